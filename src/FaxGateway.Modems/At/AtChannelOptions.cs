namespace FaxGateway.Modems.At;

/// <summary>Settings of an <see cref="AtChannel"/>.</summary>
public sealed record AtChannelOptions
{
    /// <summary>Longest response line accepted; a longer run without CR/LF is garbage (wrong speed, binary data).</summary>
    public int MaxLineLength { get; init; } = 512;

    /// <summary>Most information lines one command may collect before the response counts as garbage.</summary>
    public int MaxInformationLines { get; init; } = 64;

    /// <summary>Chunks of received data buffered before the read loop stops reading (backpressure to the port).</summary>
    public int DataBufferChunks { get; init; } = 32;

    /// <summary>Size of one read from the transport.</summary>
    public int ReadBufferSize { get; init; } = 4096;

    /// <summary>Result codes are numeric (ATV0) from the start; the channel also follows V0/V1 in commands it sends.</summary>
    public bool NumericResults { get; init; }

    /// <summary>
    /// Honour XOFF/XON from the modem in this channel (for TCP and pty transports, where no tty driver does it);
    /// on a real serial port with XON/XOFF the kernel consumes them before they get here.
    /// </summary>
    public bool SoftwareFlowControl { get; init; }

    /// <summary>Default timeout of a command that does not give one.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>What a command does after CONNECT; tells the read loop whether the bytes after CONNECT are data.</summary>
public enum AtCommandKind
{
    /// <summary>A command that ends with a final result code.</summary>
    Basic,

    /// <summary>A command whose CONNECT is followed by data from the modem (+FRH, +FRM, +FDR, ATD in Class 1).</summary>
    ReceiveData,

    /// <summary>A command whose CONNECT invites the DTE to send data (+FTH, +FTM, +FDT, ATA in Class 1).</summary>
    TransmitData,
}

/// <summary>A piece of data received in data mode, or the escape sequence that ended it.</summary>
public readonly record struct DataChunk(ReadOnlyMemory<byte> Data, Framing.DleEvent Event, byte Command)
{
    /// <summary>True when this chunk carries the end of the data (<c>&lt;DLE&gt;&lt;ETX&gt;</c> or a page marker).</summary>
    public bool IsEnd => Event is Framing.DleEvent.EndOfData or Framing.DleEvent.PageMps or Framing.DleEvent.PageEom or Framing.DleEvent.PageEop;
}
