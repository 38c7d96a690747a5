using System.Reflection;
using BitMiracle.LibTiff.Classic;
using FaxGateway.Imaging.Internal;

namespace FaxGateway.Imaging.Tests;

/// <summary>The code tables, entry by entry, against T.4 (transcribed here in the standard's own layout) and LibTiff.NET's tables.</summary>
public sealed class CodeTableTests
{
    // T.4 Table 2/T.4 (terminating codes): run length, white code word, black code word.
    private const string Table2 = """
        0 00110101 0000110111
        1 000111 010
        2 0111 11
        3 1000 10
        4 1011 011
        5 1100 0011
        6 1110 0010
        7 1111 00011
        8 10011 000101
        9 10100 000100
        10 00111 0000100
        11 01000 0000101
        12 001000 0000111
        13 000011 00000100
        14 110100 00000111
        15 110101 000011000
        16 101010 0000010111
        17 101011 0000011000
        18 0100111 0000001000
        19 0001100 00001100111
        20 0001000 00001101000
        21 0010111 00001101100
        22 0000011 00000110111
        23 0000100 00000101000
        24 0101000 00000010111
        25 0101011 00000011000
        26 0010011 000011001010
        27 0100100 000011001011
        28 0011000 000011001100
        29 00000010 000011001101
        30 00000011 000001101000
        31 00011010 000001101001
        32 00011011 000001101010
        33 00010010 000001101011
        34 00010011 000011010010
        35 00010100 000011010011
        36 00010101 000011010100
        37 00010110 000011010101
        38 00010111 000011010110
        39 00101000 000011010111
        40 00101001 000001101100
        41 00101010 000001101101
        42 00101011 000011011010
        43 00101100 000011011011
        44 00101101 000001010100
        45 00000100 000001010101
        46 00000101 000001010110
        47 00001010 000001010111
        48 00001011 000001100100
        49 01010010 000001100101
        50 01010011 000001010010
        51 01010100 000001010011
        52 01010101 000000100100
        53 00100100 000000110111
        54 00100101 000000111000
        55 01011000 000000100111
        56 01011001 000000101000
        57 01011010 000001011000
        58 01011011 000001011001
        59 01001010 000000101011
        60 01001011 000000101100
        61 00110010 000001011010
        62 00110011 000001100110
        63 00110100 000001100111
        """;

    // T.4 Table 3a/T.4 (make-up codes): run length, white code word, black code word.
    private const string Table3A = """
        64 11011 0000001111
        128 10010 000011001000
        192 010111 000011001001
        256 0110111 000001011011
        320 00110110 000000110011
        384 00110111 000000110100
        448 01100100 000000110101
        512 01100101 0000001101100
        576 01101000 0000001101101
        640 01100111 0000001001010
        704 011001100 0000001001011
        768 011001101 0000001001100
        832 011010010 0000001001101
        896 011010011 0000001110010
        960 011010100 0000001110011
        1024 011010101 0000001110100
        1088 011010110 0000001110101
        1152 011010111 0000001110110
        1216 011011000 0000001110111
        1280 011011001 0000001010010
        1344 011011010 0000001010011
        1408 011011011 0000001010100
        1472 010011000 0000001010101
        1536 010011001 0000001011010
        1600 010011010 0000001011011
        1664 011000 0000001100100
        1728 010011011 0000001100101
        """;

    // T.4 Table 3b/T.4 (extended make-up codes, both colours).
    private const string Table3B = """
        1792 00000001000
        1856 00000001100
        1920 00000001101
        1984 000000010010
        2048 000000010011
        2112 000000010100
        2176 000000010101
        2240 000000010110
        2304 000000010111
        2368 000000011100
        2432 000000011101
        2496 000000011110
        2560 000000011111
        """;

    private static IEnumerable<string[]> Rows(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' '));

    private static string Bits(int code, int length) => Convert.ToString(code, 2).PadLeft(length, '0');

    [Fact]
    public void Terminating_codes_match_Table_2()
    {
        var rows = Rows(Table2).ToList();
        Assert.Equal(64, rows.Count);
        foreach (var row in rows)
        {
            var run = int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(row[1], Bits(T4Codes.WhiteTermCode[run], T4Codes.WhiteTermLength[run]));
            Assert.Equal(row[2], Bits(T4Codes.BlackTermCode[run], T4Codes.BlackTermLength[run]));
        }
    }

    [Fact]
    public void Make_up_codes_match_Tables_3a_and_3b()
    {
        foreach (var row in Rows(Table3A))
        {
            var index = (int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture) / 64) - 1;
            Assert.Equal(row[1], Bits(T4Codes.WhiteMakeUpCode[index], T4Codes.WhiteMakeUpLength[index]));
            Assert.Equal(row[2], Bits(T4Codes.BlackMakeUpCode[index], T4Codes.BlackMakeUpLength[index]));
        }

        foreach (var row in Rows(Table3B))
        {
            var index = (int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture) / 64) - 1;
            Assert.Equal(row[1], Bits(T4Codes.WhiteMakeUpCode[index], T4Codes.WhiteMakeUpLength[index]));
            Assert.Equal(row[1], Bits(T4Codes.BlackMakeUpCode[index], T4Codes.BlackMakeUpLength[index]));
        }
    }

    [Fact]
    public void Two_dimensional_mode_codes_match_Table_4()
    {
        string[] vertical = ["0000010", "000010", "010", "1", "011", "000011", "0000011"]; // VL3 VL2 VL1 V0 VR1 VR2 VR3
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(vertical[i], Bits(T4Codes.VerticalCode[i], T4Codes.VerticalLength[i]));
        }

        Assert.Equal("0001", T4Codes.PassCode);
        Assert.Equal("001", T4Codes.HorizontalCode);
        Assert.Equal(T4CodeKind.Pass, T4Codes.Kind(T4Codes.ModeDecode[0b0001 << 3]));
        Assert.Equal(T4CodeKind.Horizontal, T4Codes.Kind(T4Codes.ModeDecode[0b001 << 4]));
        Assert.Equal(T4CodeKind.Extension, T4Codes.Kind(T4Codes.ModeDecode[0b0000001]));
        for (var i = 0; i < 7; i++)
        {
            var entry = T4Codes.ModeDecode[T4Codes.VerticalCode[i] << (7 - T4Codes.VerticalLength[i])];
            Assert.Equal(T4CodeKind.Vertical, T4Codes.Kind(entry));
            Assert.Equal(i, T4Codes.Value(entry));
            Assert.Equal(T4Codes.VerticalLength[i], T4Codes.Length(entry));
        }
    }

    public static TheoryData<bool> Colours() => new(false, true);

    [Theory]
    [MemberData(nameof(Colours))]
    public void Decode_table_finds_every_code_with_every_following_bit_pattern(bool black)
    {
        var table = black ? T4Codes.BlackDecode : T4Codes.WhiteDecode;
        var codes = new List<(string Bits, T4CodeKind Kind, int Run)>();
        foreach (var row in Rows(Table2))
        {
            codes.Add((row[black ? 2 : 1], T4CodeKind.Terminating, int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach (var row in Rows(Table3A))
        {
            codes.Add((row[black ? 2 : 1], T4CodeKind.MakeUp, int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach (var row in Rows(Table3B))
        {
            codes.Add((row[1], T4CodeKind.MakeUp, int.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture)));
        }

        codes.Add(("000000000001", T4CodeKind.Eol, 0));
        var random = new Random(42);
        foreach (var (bits, kind, run) in codes)
        {
            for (var trial = 0; trial < 16; trial++)
            {
                // The code at the top of a 64-bit accumulator, followed by arbitrary bits.
                var acc = (Convert.ToUInt64(bits, 2) << (64 - bits.Length)) | ((ulong)random.NextInt64() >> bits.Length);
                var entry = table[acc >> 56];
                if (T4Codes.Kind(entry) == T4CodeKind.Link)
                {
                    entry = table[T4Codes.Value(entry) + (int)((acc << 8) >> (64 - T4Codes.Length(entry)))];
                }

                Assert.Equal(kind, T4Codes.Kind(entry));
                Assert.Equal(bits.Length, T4Codes.Length(entry));
                Assert.Equal(run, T4Codes.Value(entry));
            }
        }
    }

    [Fact]
    public void Code_tables_agree_with_LibTiff_NET()
    {
        // LibTiff.NET (a port of libtiff) keeps its encode tables as {length, code, run} triples.
        var codec = typeof(Tiff).Assembly.GetType("BitMiracle.LibTiff.Classic.Internal.CCITTCodec")!;
        foreach (var (field, black) in new[] { ("m_faxWhiteCodes", false), ("m_faxBlackCodes", true) })
        {
            var triples = (short[])codec.GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
            var checkedCodes = 0;
            for (var i = 0; i + 2 < triples.Length; i += 3)
            {
                int length = triples[i], code = triples[i + 1], run = triples[i + 2];
                if (run < 0 || length == 0)
                {
                    continue;
                }

                var (ours, ourLength) = run < 64
                    ? (black ? T4Codes.BlackTermCode[run] : T4Codes.WhiteTermCode[run], black ? T4Codes.BlackTermLength[run] : T4Codes.WhiteTermLength[run])
                    : (black ? T4Codes.BlackMakeUpCode[(run / 64) - 1] : T4Codes.WhiteMakeUpCode[(run / 64) - 1], black ? T4Codes.BlackMakeUpLength[(run / 64) - 1] : T4Codes.WhiteMakeUpLength[(run / 64) - 1]);
                Assert.Equal(Bits(code, length), Bits(ours, ourLength));
                checkedCodes++;
            }

            Assert.Equal(64 + 27 + 13, checkedCodes);
        }
    }

    [Fact]
    public void Codes_are_prefix_free_and_complete_per_colour()
    {
        foreach (var col in new[] { 1, 2 })
        {
            var all = Rows(Table2).Select(r => r[col]).Concat(Rows(Table3A).Select(r => r[col])).Concat(Rows(Table3B).Select(r => r[1])).Append("000000000001").ToList();
            foreach (var a in all)
            {
                Assert.DoesNotContain(all, b => !ReferenceEquals(a, b) && b.StartsWith(a, StringComparison.Ordinal));
            }
        }
    }
}
