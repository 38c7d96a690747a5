namespace FaxGateway.Imaging.Internal;

/// <summary>Kinds of entries in the decode tables.</summary>
internal enum T4CodeKind : byte
{
    Invalid = 0,
    Terminating = 1,
    MakeUp = 2,
    Eol = 3,
    Link = 4,

    // Twelve or more zero bits: fill before an EOL, or garbage; the decoder looks closer.
    Zeros = 5,

    // 2-D mode codes.
    Pass = 6,
    Horizontal = 7,
    Vertical = 8,
    Extension = 9,
}

/// <summary>
/// The T.4 code tables (Tables 2/T.4 and 3/T.4 and Figure 7/T.4), transcribed as bit strings and turned into
/// encode arrays and two-level decode tables once, at type initialisation.
/// </summary>
internal static class T4Codes
{
    public const int EolCode = 0x001; // 000000000001
    public const int EolLength = 12;
    public const int FirstLevelBits = 8;
    public const int ModeBits = 7;

    // Table 2/T.4, terminating codes, white runs 0..63.
    public static readonly string[] WhiteTerminating =
    [
        "00110101", "000111", "0111", "1000", "1011", "1100", "1110", "1111",
        "10011", "10100", "00111", "01000", "001000", "000011", "110100", "110101",
        "101010", "101011", "0100111", "0001100", "0001000", "0010111", "0000011", "0000100",
        "0101000", "0101011", "0010011", "0100100", "0011000", "00000010", "00000011", "00011010",
        "00011011", "00010010", "00010011", "00010100", "00010101", "00010110", "00010111", "00101000",
        "00101001", "00101010", "00101011", "00101100", "00101101", "00000100", "00000101", "00001010",
        "00001011", "01010010", "01010011", "01010100", "01010101", "00100100", "00100101", "01011000",
        "01011001", "01011010", "01011011", "01001010", "01001011", "00110010", "00110011", "00110100",
    ];

    // Table 2/T.4, terminating codes, black runs 0..63.
    public static readonly string[] BlackTerminating =
    [
        "0000110111", "010", "11", "10", "011", "0011", "0010", "00011",
        "000101", "000100", "0000100", "0000101", "0000111", "00000100", "00000111", "000011000",
        "0000010111", "0000011000", "0000001000", "00001100111", "00001101000", "00001101100", "00000110111", "00000101000",
        "00000010111", "00000011000", "000011001010", "000011001011", "000011001100", "000011001101", "000001101000", "000001101001",
        "000001101010", "000001101011", "000011010010", "000011010011", "000011010100", "000011010101", "000011010110", "000011010111",
        "000001101100", "000001101101", "000011011010", "000011011011", "000001010100", "000001010101", "000001010110", "000001010111",
        "000001100100", "000001100101", "000001010010", "000001010011", "000000100100", "000000110111", "000000111000", "000000100111",
        "000000101000", "000001011000", "000001011001", "000000101011", "000000101100", "000001011010", "000001100110", "000001100111",
    ];

    // Table 3a/T.4, make-up codes, white runs 64..1728 (index = run / 64 - 1).
    public static readonly string[] WhiteMakeUp =
    [
        "11011", "10010", "010111", "0110111", "00110110", "00110111", "01100100", "01100101",
        "01101000", "01100111", "011001100", "011001101", "011010010", "011010011", "011010100", "011010101",
        "011010110", "011010111", "011011000", "011011001", "011011010", "011011011", "010011000", "010011001",
        "010011010", "011000", "010011011",
    ];

    // Table 3a/T.4, make-up codes, black runs 64..1728.
    public static readonly string[] BlackMakeUp =
    [
        "0000001111", "000011001000", "000011001001", "000001011011", "000000110011", "000000110100", "000000110101", "0000001101100",
        "0000001101101", "0000001001010", "0000001001011", "0000001001100", "0000001001101", "0000001110010", "0000001110011", "0000001110100",
        "0000001110101", "0000001110110", "0000001110111", "0000001010010", "0000001010011", "0000001010100", "0000001010101", "0000001011010",
        "0000001011011", "0000001100100", "0000001100101",
    ];

    // Table 3b/T.4, extended make-up codes for both colours, runs 1792..2560.
    public static readonly string[] ExtendedMakeUp =
    [
        "00000001000", "00000001100", "00000001101", "000000010010", "000000010011", "000000010100", "000000010101",
        "000000010110", "000000010111", "000000011100", "000000011101", "000000011110", "000000011111",
    ];

    // Figure 7/T.4 (Table 4/T.4): 2-D mode codes.
    public const string PassCode = "0001";
    public const string HorizontalCode = "001";

    // Vertical codes for a1 - b1 = -3..3.
    public static readonly string[] VerticalCodes = ["0000010", "000010", "010", "1", "011", "000011", "0000011"];

    /// <summary>Encode table: code bits (right-aligned) and length for run lengths 0..63 (terminating) and make-ups by index.</summary>
    public static readonly ushort[] WhiteTermCode = new ushort[64];
    public static readonly byte[] WhiteTermLength = new byte[64];
    public static readonly ushort[] BlackTermCode = new ushort[64];
    public static readonly byte[] BlackTermLength = new byte[64];

    /// <summary>Make-up codes for runs 64..2560, index run / 64 - 1 (0..39); entries 27.. are the shared extended codes.</summary>
    public static readonly ushort[] WhiteMakeUpCode = new ushort[40];
    public static readonly byte[] WhiteMakeUpLength = new byte[40];
    public static readonly ushort[] BlackMakeUpCode = new ushort[40];
    public static readonly byte[] BlackMakeUpLength = new byte[40];

    /// <summary>Longest run one combined code covers; longer runs start with 2560 make-ups.</summary>
    public const int CombinedRuns = 2624;

    /// <summary>
    /// Make-up code (if any) and terminating code of every run 0..2623 as one code of up to 25 bits, so the encoder
    /// writes a run with one lookup and one write.
    /// </summary>
    public static readonly uint[] WhiteRunCode = new uint[CombinedRuns];
    public static readonly byte[] WhiteRunLength = new byte[CombinedRuns];
    public static readonly uint[] BlackRunCode = new uint[CombinedRuns];
    public static readonly byte[] BlackRunLength = new byte[CombinedRuns];

    /// <summary>Vertical mode codes, index d + 3.</summary>
    public static readonly byte[] VerticalCode = new byte[7];
    public static readonly byte[] VerticalLength = new byte[7];

    /// <summary>
    /// Decode tables. Entry layout: bits 0-3 kind, bits 4-7 code length (first level) or second-level index width
    /// (links), bits 8-31 run length or second-level offset. The first level is indexed by the next 8 bits.
    /// </summary>
    public static readonly uint[] WhiteDecode;
    public static readonly uint[] BlackDecode;

    /// <summary>2-D mode table indexed by the next 7 bits: kind, length, and for vertical codes d + 3 in the value.</summary>
    public static readonly uint[] ModeDecode = new uint[1 << ModeBits];

    static T4Codes()
    {
        for (var i = 0; i < 64; i++)
        {
            (WhiteTermCode[i], WhiteTermLength[i]) = Parse(WhiteTerminating[i]);
            (BlackTermCode[i], BlackTermLength[i]) = Parse(BlackTerminating[i]);
        }

        for (var i = 0; i < 40; i++)
        {
            var white = i < 27 ? WhiteMakeUp[i] : ExtendedMakeUp[i - 27];
            var black = i < 27 ? BlackMakeUp[i] : ExtendedMakeUp[i - 27];
            (WhiteMakeUpCode[i], WhiteMakeUpLength[i]) = Parse(white);
            (BlackMakeUpCode[i], BlackMakeUpLength[i]) = Parse(black);
        }

        for (var i = 0; i < 7; i++)
        {
            var (code, length) = Parse(VerticalCodes[i]);
            VerticalCode[i] = (byte)code;
            VerticalLength[i] = length;
        }

        for (var run = 0; run < CombinedRuns; run++)
        {
            (WhiteRunCode[run], WhiteRunLength[run]) = Combine(run, WhiteTermCode, WhiteTermLength, WhiteMakeUpCode, WhiteMakeUpLength);
            (BlackRunCode[run], BlackRunLength[run]) = Combine(run, BlackTermCode, BlackTermLength, BlackMakeUpCode, BlackMakeUpLength);
        }

        WhiteDecode = BuildRunTable(WhiteTerminating, WhiteMakeUp);
        BlackDecode = BuildRunTable(BlackTerminating, BlackMakeUp);
        BuildModeTable();
    }

    public static T4CodeKind Kind(uint entry) => (T4CodeKind)(entry & 0xF);

    public static int Length(uint entry) => (int)((entry >> 4) & 0xF);

    public static int Value(uint entry) => (int)(entry >> 8);

    private static uint Entry(T4CodeKind kind, int length, int value) => (uint)kind | ((uint)length << 4) | ((uint)value << 8);

    private static (uint Code, byte Length) Combine(int run, ushort[] termCode, byte[] termLength, ushort[] makeUpCode, byte[] makeUpLength)
    {
        var term = run & 63;
        if (run < 64)
        {
            return (termCode[term], termLength[term]);
        }

        var index = (run >> 6) - 1;
        return (((uint)makeUpCode[index] << termLength[term]) | termCode[term], (byte)(makeUpLength[index] + termLength[term]));
    }

    private static (ushort Code, byte Length) Parse(string bits) => (Convert.ToUInt16(bits, 2), (byte)bits.Length);

    private static uint[] BuildRunTable(string[] terminating, string[] makeUp)
    {
        var codes = new List<(string Bits, T4CodeKind Kind, int Value)>();
        for (var i = 0; i < terminating.Length; i++)
        {
            codes.Add((terminating[i], T4CodeKind.Terminating, i));
        }

        for (var i = 0; i < makeUp.Length; i++)
        {
            codes.Add((makeUp[i], T4CodeKind.MakeUp, (i + 1) * 64));
        }

        for (var i = 0; i < ExtendedMakeUp.Length; i++)
        {
            codes.Add((ExtendedMakeUp[i], T4CodeKind.MakeUp, 1792 + (i * 64)));
        }

        codes.Add(("000000000001", T4CodeKind.Eol, 0));
        codes.Add(("000000000000", T4CodeKind.Zeros, 0));

        // Second-level tables: one per 8-bit prefix that starts a longer code, as wide as its longest code.
        var subBits = new int[1 << FirstLevelBits];
        foreach (var (bits, _, _) in codes)
        {
            if (bits.Length > FirstLevelBits)
            {
                var prefix = Convert.ToInt32(bits[..FirstLevelBits], 2);
                subBits[prefix] = Math.Max(subBits[prefix], bits.Length - FirstLevelBits);
            }
        }

        var size = 1 << FirstLevelBits;
        var offsets = new int[1 << FirstLevelBits];
        for (var p = 0; p < subBits.Length; p++)
        {
            if (subBits[p] > 0)
            {
                offsets[p] = size;
                size += 1 << subBits[p];
            }
        }

        var table = new uint[size];
        for (var p = 0; p < subBits.Length; p++)
        {
            if (subBits[p] > 0)
            {
                table[p] = Entry(T4CodeKind.Link, subBits[p], offsets[p]);
            }
        }

        foreach (var (bits, kind, value) in codes)
        {
            var code = Convert.ToInt32(bits, 2);
            if (bits.Length <= FirstLevelBits)
            {
                var shift = FirstLevelBits - bits.Length;
                for (var fill = 0; fill < 1 << shift; fill++)
                {
                    table[(code << shift) | fill] = Entry(kind, bits.Length, value);
                }
            }
            else
            {
                var prefix = code >> (bits.Length - FirstLevelBits);
                var restLength = bits.Length - FirstLevelBits;
                var rest = code & ((1 << restLength) - 1);
                var shift = subBits[prefix] - restLength;
                for (var fill = 0; fill < 1 << shift; fill++)
                {
                    table[offsets[prefix] + ((rest << shift) | fill)] = Entry(kind, bits.Length, value);
                }
            }
        }

        return table;
    }

    private static void BuildModeTable()
    {
        void Add(string bits, T4CodeKind kind, int value)
        {
            var code = Convert.ToInt32(bits, 2);
            var shift = ModeBits - bits.Length;
            for (var fill = 0; fill < 1 << shift; fill++)
            {
                ModeDecode[(code << shift) | fill] = Entry(kind, bits.Length, value);
            }
        }

        Add(PassCode, T4CodeKind.Pass, 0);
        Add(HorizontalCode, T4CodeKind.Horizontal, 0);
        for (var i = 0; i < VerticalCodes.Length; i++)
        {
            Add(VerticalCodes[i], T4CodeKind.Vertical, i);
        }

        Add("0000001", T4CodeKind.Extension, 0);
        Add("0000000", T4CodeKind.Zeros, 0);
    }
}
