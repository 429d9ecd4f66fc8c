using NVorbis.Contracts;

namespace PercepNet.Audio;

/// <summary>
/// Hands NVorbis a stream's packets with the end-of-stream packet's granule position hidden, so that the decoder does
/// not trim the last packet to it: NVorbis subtracts the difference between that position and its own count with no
/// lower bound (and through a 32-bit cast), and when the position lies before what it has decoded, its read loop
/// never returns (found by fuzzing). <see cref="OggVorbisReader"/> trims to the stream's length itself.
/// </summary>
internal sealed class UntrimmedPackets(IPacketProvider packets) : IPacketProvider
{
    public bool CanSeek => packets.CanSeek;

    public int StreamSerial => packets.StreamSerial;

    public IPacket GetNextPacket() => Wrap(packets.GetNextPacket());

    public IPacket PeekNextPacket() => Wrap(packets.PeekNextPacket());

    public long SeekTo(long granulePos, int preRoll, GetPacketGranuleCount getPacketGranuleCount) =>
        packets.SeekTo(granulePos, preRoll, getPacketGranuleCount);

    public long GetGranuleCount() => packets.GetGranuleCount();

    private static IPacket Wrap(IPacket packet) =>
        packet is { IsEndOfStream: true, GranulePosition: not null } ? new WithoutPosition(packet) : packet;

    private sealed class WithoutPosition(IPacket packet) : IPacket
    {
        public bool IsResync => packet.IsResync;

        public bool IsShort => packet.IsShort;

        public long? GranulePosition => null;

        public bool IsEndOfStream => true;

        public int BitsRead => packet.BitsRead;

        public int BitsRemaining => packet.BitsRemaining;

        public int ContainerOverheadBits => packet.ContainerOverheadBits;

        public ulong TryPeekBits(int count, out int bitsRead) => packet.TryPeekBits(count, out bitsRead);

        public void SkipBits(int count) => packet.SkipBits(count);

        public ulong ReadBits(int count) => packet.ReadBits(count);

        public void Done() => packet.Done();

        public void Reset() => packet.Reset();
    }
}
