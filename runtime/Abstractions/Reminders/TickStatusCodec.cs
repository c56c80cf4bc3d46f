using System.Runtime.CompilerServices;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Reminders;

/// <summary>Hand-written codec for <see cref="TickStatus"/> (this assembly does not run the code generator).</summary>
internal sealed class TickStatusCodec : ObjectCodec<TickStatus>
{
    public override string Alias => "Marketplace.Runtime.Reminders.TickStatus";

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Registers built-in codecs of this assembly.")]
    internal static void Register() => CodecRegistry.Register(new TickStatusCodec());

    public override void WriteContent(CodecWriter writer, TickStatus value)
    {
        CodecRegistry.Get<DateTime>().WriteField(writer, 0, value.FirstTickTime);
        CodecRegistry.Get<TimeSpan>().WriteField(writer, 1, value.Period);
        CodecRegistry.Get<DateTime>().WriteField(writer, 2, value.CurrentTickTime);
    }

    public override TickStatus ReadContent(CodecReader reader, int end)
    {
        DateTime first = default, current = default;
        TimeSpan period = default;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0: first = CodecRegistry.Get<DateTime>().ReadValue(reader, wt); break;
                case 1: period = CodecRegistry.Get<TimeSpan>().ReadValue(reader, wt); break;
                case 2: current = CodecRegistry.Get<DateTime>().ReadValue(reader, wt); break;
                default: reader.Skip(wt); break;
            }
        }

        return new TickStatus(first, period, current);
    }
}
