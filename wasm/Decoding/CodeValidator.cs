// Design note: the standard validation algorithm (spec appendix): an operand stack of value types where
// Unknown (0) stands for the polymorphic stack after unreachable/br/return, and a control stack of frames.
// While checking, every instruction is decoded once into an Instr array that the IL compiler walks.
namespace Marketplace.Wasm.Decoding;

internal ref partial struct CodeValidator
{
    private const ValueKind Unknown = 0;

    /// <summary>Implementation limit: deepest operand stack (each depth may need IL locals; IL allows 65535).</summary>
    internal const int MaxOperandStack = 5000;

    private readonly ModuleInfo m;
    private readonly FunctionBody body;
    private readonly ValueKind[] locals;
    private readonly List<ValueKind> stack;
    private readonly List<Frame> frames;
    private WasmReader r;
    private int opStart;

    private CodeValidator(ReadOnlySpan<byte> bytes, ModuleInfo m, FuncType type, FunctionBody body)
    {
        this.m = m;
        this.body = body;
        r = new WasmReader(bytes[..body.End], body.Offset, "code");
        locals = new ValueKind[type.ParamArray.Length + body.Locals.Length];
        type.ParamArray.CopyTo(locals, 0);
        body.Locals.CopyTo(locals, type.ParamArray.Length);
        stack = new List<ValueKind>();
        frames = new List<Frame>();
        frames.Add(new Frame { Opcode = 0, Type = new FuncType(Array.Empty<ValueKind>(), type.ResultArray), Height = 0 });
    }

    private struct Frame
    {
        public byte Opcode;
        public FuncType Type;
        public int Height;
        public bool Unreachable;
    }

    public static void Validate(ReadOnlySpan<byte> bytes, ModuleInfo m, FuncType type, FunctionBody body)
    {
        var v = new CodeValidator(bytes, m, type, body);
        v.Run();
    }

    private WasmValidationException Invalid(string reason) => r.ErrorAt(opStart, reason);

    private void Push(ValueKind k)
    {
        stack.Add(k);
        if (stack.Count > body.MaxStack)
        {
            body.MaxStack = stack.Count;
            if (stack.Count > MaxOperandStack)
            {
                throw Invalid($"operand stack deeper than {MaxOperandStack} values (implementation limit)");
            }
        }
    }

    private ValueKind Pop()
    {
        var f = frames[^1];
        if (stack.Count == f.Height)
        {
            if (f.Unreachable)
            {
                return Unknown;
            }

            throw Invalid("type mismatch: operand stack underflow");
        }

        var k = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return k;
    }

    private ValueKind Pop(ValueKind expected)
    {
        var actual = Pop();
        if (actual != expected && actual != Unknown && expected != Unknown)
        {
            throw Invalid($"type mismatch: expected {expected}, found {actual}");
        }

        return actual;
    }

    private void PopAll(ValueKind[] types)
    {
        for (var i = types.Length - 1; i >= 0; i--)
        {
            Pop(types[i]);
        }
    }

    private void PushAll(ValueKind[] types)
    {
        foreach (var t in types)
        {
            Push(t);
        }
    }

    private static ValueKind[] LabelTypes(in Frame f) => f.Opcode == 0x03 ? f.Type.ParamArray : f.Type.ResultArray;

    private void PushFrame(byte opcode, FuncType type)
    {
        frames.Add(new Frame { Opcode = opcode, Type = type, Height = stack.Count });
        PushAll(type.ParamArray);
    }

    private Frame PopFrame()
    {
        if (frames.Count == 0)
        {
            throw Invalid("unexpected end");
        }

        var f = frames[^1];
        PopAll(f.Type.ResultArray);
        if (stack.Count != f.Height)
        {
            throw Invalid("type mismatch: values remaining on the stack at end of block");
        }

        frames.RemoveAt(frames.Count - 1);
        return f;
    }

    private void SetUnreachable()
    {
        var f = frames[^1];
        stack.RemoveRange(f.Height, stack.Count - f.Height);
        f.Unreachable = true;
        frames[^1] = f;
    }

    private Frame Label(int depth)
    {
        if (depth < 0 || depth >= frames.Count)
        {
            throw Invalid($"unknown label {depth}");
        }

        return frames[frames.Count - 1 - depth];
    }

    private FuncType ReadBlockType()
    {
        var b = r.ReadS33();
        switch (b)
        {
            case -0x40:
                return new FuncType(Array.Empty<ValueKind>(), Array.Empty<ValueKind>());
            case -0x01 or -0x02 or -0x03 or -0x04 or -0x10 or -0x11:
                return new FuncType(Array.Empty<ValueKind>(), new[] { (ValueKind)(b & 0x7F) });
        }

        if (b < 0)
        {
            throw Invalid("malformed block type");
        }

        if (b >= m.Types.Count)
        {
            throw Invalid($"unknown type {b}");
        }

        return m.Types[(int)b];
    }

    private ValueKind Local(int index)
    {
        if (index < 0 || index >= locals.Length)
        {
            throw Invalid($"unknown local {index}");
        }

        return locals[index];
    }

    private GlobalType Global(int index)
    {
        if (index < 0 || index >= m.GlobalTypes.Count)
        {
            throw Invalid($"unknown global {index}");
        }

        return m.GlobalTypes[index];
    }

    private TableType Table(int index)
    {
        if (index < 0 || index >= m.Tables.Count)
        {
            throw Invalid($"unknown table {index}");
        }

        return m.Tables[index];
    }

    private void RequireMemory()
    {
        if (m.Memories.Count == 0)
        {
            throw Invalid("unknown memory 0");
        }
    }

    private long MemArg(int naturalAlignLog2)
    {
        var align = r.ReadU32();
        var offset = r.ReadU32();
        RequireMemory();
        if (align > naturalAlignLog2)
        {
            throw Invalid("alignment must not be larger than natural");
        }

        return offset;
    }

    private void ZeroByte()
    {
        var b = r.ReadByte();
        if (b != 0)
        {
            throw r.ErrorAt(r.Position - 1, "zero byte expected");
        }
    }

    private void Run()
    {
        var code = new List<Instr>();
        while (true)
        {
            if (r.AtEnd)
            {
                throw r.Error(frames.Count > 0 ? "unexpected end of section or function" : "section size mismatch");
            }

            opStart = r.Position;
            var op = r.ReadByte();
            var ins = new Instr { Op = op };
            Step(op, ref ins);
            code.Add(ins);
            if (frames.Count == 0)
            {
                break;
            }
        }

        if (!r.AtEnd)
        {
            throw r.Error("section size mismatch: operators after the final end");
        }

        body.Code = code.ToArray();
    }
}
