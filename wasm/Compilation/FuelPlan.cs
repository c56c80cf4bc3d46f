using Marketplace.Wasm.Decoding;

namespace Marketplace.Wasm.Compilation;

/// <summary>
/// The fuel rule: every operator costs 1 except nop, drop, block, loop, else and end (0). A stretch is the
/// straight-line code from a stretch start (function entry, just after loop, if, else, br_if, and the end of a
/// block/if) up to the next stretch start or up to and including br, br_table, return or unreachable.
/// </summary>
internal static class FuelPlan
{
    public static int OperatorCost(int op) => op is 0x01 or 0x1A or 0x02 or 0x03 or 0x05 or 0x0B ? 0 : 1;

    /// <summary>Cost of the stretch starting at each instruction index (0 where none starts).</summary>
    public static int[] StretchCosts(Instr[] code)
    {
        var costs = new int[code.Length + 1];
        var kinds = new Stack<int>();
        var start = 0;
        long cost = 0;
        var active = true;

        void Close()
        {
            if (active)
            {
                costs[start] = (int)Math.Min(cost, int.MaxValue);
            }
        }

        void Open(int at)
        {
            start = at;
            cost = 0;
            active = true;
        }

        for (var i = 0; i < code.Length; i++)
        {
            var op = code[i].Op;
            if (active)
            {
                cost += OperatorCost(op);
            }

            switch (op)
            {
                case 0x02:
                    kinds.Push(op);
                    break;
                case 0x03 or 0x04:
                    kinds.Push(op);
                    Close();
                    Open(i + 1);
                    break;
                case 0x05 or 0x0D:
                    Close();
                    Open(i + 1);
                    break;
                case 0x0B:
                    {
                        var kind = kinds.Count > 0 ? kinds.Pop() : 0;
                        if (kind != 0x03)
                        {
                            Close();
                            Open(i + 1);
                        }

                        break;
                    }

                case 0x0C or 0x0E or 0x0F or 0x00:
                    Close();
                    active = false;
                    break;
            }
        }

        return costs;
    }
}
