// Stack buffers in the field and curve code are always fully written before use; skipping their zeroing matters
// for the Montgomery multiplication, whose frame would otherwise be cleared on every call.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
