// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

/// @title BLS12-381 signatures on the EIP-2537 precompiles
/// @notice Verifies BLS signatures of the Marketplace scheme (public keys in G1, signatures in G2, the
/// proof-of-possession ciphersuite `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_` of draft-irtf-cfrg-bls-signature)
/// with the BLS12-381 precompiles of EIP-2537 (Ethereum Prague): G1ADD 0x0b, G1MSM 0x0c, G2ADD 0x0d, G2MSM 0x0e,
/// PAIRING_CHECK 0x0f, MAP_FP2_TO_G2 0x11, plus SHA-256 0x02 and MODEXP 0x05 for hashing to the curve (RFC 9380).
/// @dev Points are uncompressed, in the precompiles' own layout, so that they go to a precompile without conversion:
/// each Fp element is two words (the high word holds 16 zero bytes and the top 16 bytes of the value, the low word the
/// other 32 bytes), G1 = (x, y), G2 = (x.c0, x.c1, y.c0, y.c1); all zeros is the point at infinity.
///
/// Compressed points (48-byte keys, 96-byte signatures, as receipts and the key registry carry them) are not
/// decompressed here: a square root in Fp costs more gas than the 80 (G1) or 160 (G2) extra calldata bytes of the
/// uncompressed form, and one in Fp2 far more. Callers pass the uncompressed point and relate it to its compressed
/// encoding with `compressG1`, `compressG2` or `matchesCompressed`; only one point that a precompile accepts has a
/// given compressed encoding (same x, and the sign flag picks one of the two y), so the check is exact once the point
/// has gone through a precompile.
///
/// Validity: every precompile refuses a coordinate >= p and a point off its curve. PAIRING_CHECK and the MSMs also
/// refuse points outside the prime-order subgroups; G1ADD and G2ADD do not. So `verify` checks the key and the
/// signature it is given against G1 and G2 (through the pairing), but a sum made with `aggregateG1` from keys that were
/// never checked could hide keys outside G1 whose small-order parts cancel. Check each key once when it is registered
/// (`validatePublicKey`, or a proof of possession with `verifyProofOfPossession`, which goes through the pairing) and
/// sum only registered keys, or use `aggregateG1Checked`, which checks every key it adds.
///
/// Gas: a precompile that refuses its input consumes all the gas passed to it (EIP-2537 follows the other
/// precompiles). So every EIP-2537 call here is given a fixed allowance, `PRECOMPILE_GAS` (250,000; for G1MSM over n
/// keys, n x 12,000 when that is more), well above what EIP-2537 charges for any call this library makes: PAIRING_CHECK
/// of two pairs 32,600 x 2 + 37,700 = 102,900, MAP_FP2_TO_G2 23,800, G2MSM of one point 22,500, G1MSM 12,000 per point
/// before its discount, G2ADD 600, G1ADD 375. A bad point then costs at most that allowance and reverts with
/// `BlsPrecompileFailed`, however much gas the transaction carries. Before each call the library checks that the whole
/// allowance can be passed on (the EVM passes at most 63/64 of what is left); when it cannot, it reverts with
/// `BlsGasTooLow` instead, so a refusal is never a short allowance taken for a bad point. On a chain without EIP-2537
/// the precompile addresses are empty accounts that return nothing: every call checks the length of the returned data,
/// so such a chain reverts instead of accepting anything.
library Bls12381 {
    /// @notice A point of G1 (or of the curve E over Fp), in the EIP-2537 encoding; all zeros is the identity.
    struct G1Point {
        uint256 xHi;
        uint256 xLo;
        uint256 yHi;
        uint256 yLo;
    }

    /// @notice A point of G2 (or of the twist E' over Fp2), in the EIP-2537 encoding; all zeros is the identity.
    struct G2Point {
        uint256 x0Hi;
        uint256 x0Lo;
        uint256 x1Hi;
        uint256 x1Lo;
        uint256 y0Hi;
        uint256 y0Lo;
        uint256 y1Hi;
        uint256 y1Lo;
    }

    /// @notice A precompile refused its input (a coordinate >= p, a point off its curve or, for the MSMs and the
    /// pairing, outside its prime-order subgroup) or is missing on this chain.
    /// @param precompile The precompile's address.
    error BlsPrecompileFailed(address precompile);
    /// @notice The point at infinity was given as a public key (KeyValidate refuses it; it would verify anything).
    error BlsInfinityPublicKey();
    /// @notice An aggregate of no public keys was asked for.
    error BlsEmptyKeyList();
    /// @notice A domain separation tag must have 1 to 255 bytes (RFC 9380 section 5.3.1).
    /// @param length The tag's length.
    error BlsInvalidDst(uint256 length);
    /// @notice A coordinate is not below the field modulus p, so the point has no compressed encoding.
    error BlsNotAFieldElement();
    /// @notice Less gas is left than a precompile call is given (with the 1/64 the EVM holds back), so a refusal could
    /// not be told from a short allowance; the transaction needs more gas.
    /// @param precompile The precompile about to be called.
    /// @param available The gas left.
    /// @param needed The gas the call needs left.
    error BlsGasTooLow(address precompile, uint256 available, uint256 needed);

    /// @notice The gas each EIP-2537 precompile call is given: more than EIP-2537 charges for any call of this library
    /// (the most is PAIRING_CHECK of two pairs, 102,900), so only an input the precompile refuses makes it fail.
    uint256 internal constant PRECOMPILE_GAS = 250_000;
    /// @notice G1MSM's price per point before its discount (EIP-2537), an upper bound of the price of an MSM of n points.
    uint256 internal constant G1MSM_GAS_PER_POINT = 12_000;
    /// @notice What a call costs besides the gas it passes on (the instructions before it, the call itself, warm).
    uint256 private constant CALL_OVERHEAD = 1_000;

    /// @notice Domain separation tag of signatures (receipts).
    bytes internal constant SIGNATURE_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
    /// @notice Domain separation tag of proofs of possession (a key's signature of its own 48-byte encoding).
    bytes internal constant POP_DST = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

    address internal constant SHA256 = address(0x02);
    address internal constant MODEXP = address(0x05);
    address internal constant G1ADD = address(0x0b);
    address internal constant G1MSM = address(0x0c);
    address internal constant G2ADD = address(0x0d);
    address internal constant G2MSM = address(0x0e);
    address internal constant PAIRING_CHECK = address(0x0f);
    address internal constant MAP_FP2_TO_G2 = address(0x11);

    // The field modulus p and (p - 1) / 2, high and low words.
    uint256 private constant P_HI = 0x000000000000000000000000000000001a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;
    uint256 private constant HALF_HI = 0x000000000000000000000000000000000d0088f51cbff34d258dd3db21a5d66b;
    uint256 private constant HALF_LO = 0xb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd555;

    // The generator of G1 and its negation (same x, y replaced by p - y).
    uint256 private constant G1_X_HI = 0x0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0f;
    uint256 private constant G1_X_LO = 0xc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb;
    uint256 private constant G1_Y_HI = 0x0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4;
    uint256 private constant G1_Y_LO = 0xfcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1;
    uint256 private constant G1_NEG_Y_HI = 0x00000000000000000000000000000000114d1d6855d545a8aa7d76c8cf2e21f2;
    uint256 private constant G1_NEG_Y_LO = 0x67816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca;

    uint8 private constant FLAG_COMPRESSED = 0x80;
    uint8 private constant FLAG_INFINITY = 0x40;
    uint8 private constant FLAG_SIGN = 0x20;

    // ---------------------------------------------------------------------------------------------------------------
    // Signatures
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice Verifies `signature` over `message` under `publicKey` (a single key or an aggregate of keys that all
    /// signed the same message): e(publicKey, H(message)) == e(G1 generator, signature), as one pairing check.
    /// @dev The pairing checks that the key is in G1 and the signature in G2. Reverts with `BlsInfinityPublicKey` for
    /// the identity as key (with it any message would verify against the identity signature), with
    /// `BlsPrecompileFailed` for a point the precompile refuses; false when the pairing check fails.
    /// @param publicKey The key (uncompressed), not the identity.
    /// @param message The signed bytes.
    /// @param signature The signature (uncompressed).
    /// @param dst The domain separation tag of the hash to G2.
    /// @return valid Whether the signature is valid.
    function verify(G1Point memory publicKey, bytes memory message, G2Point memory signature, bytes memory dst)
        internal
        view
        returns (bool valid)
    {
        if (isInfinity(publicKey)) revert BlsInfinityPublicKey();
        G2Point memory hashed = hashToG2(message, dst);
        G1Point memory negatedGenerator = G1Point(G1_X_HI, G1_X_LO, G1_NEG_Y_HI, G1_NEG_Y_LO);
        return pairingCheck(publicKey, hashed, negatedGenerator, signature);
    }

    /// @notice Verifies a signature of a 32-byte message (a receipt hash) under the signature DST.
    /// @param publicKey The key (uncompressed), not the identity.
    /// @param message The signed 32 bytes.
    /// @param signature The signature (uncompressed).
    /// @return valid Whether the signature is valid.
    function verify(G1Point memory publicKey, bytes32 message, G2Point memory signature)
        internal
        view
        returns (bool valid)
    {
        return verify(publicKey, abi.encodePacked(message), signature, SIGNATURE_DST);
    }

    /// @notice Verifies a proof of possession: the key's signature of its own 48-byte compressed encoding under the PoP
    /// DST. A valid proof also shows that the key is in G1 (the pairing checks it), which `aggregateG1` relies on.
    /// @param publicKey The key (uncompressed), not the identity.
    /// @param proof The proof (uncompressed).
    /// @return valid Whether the proof is valid.
    function verifyProofOfPossession(G1Point memory publicKey, G2Point memory proof)
        internal
        view
        returns (bool valid)
    {
        return verify(publicKey, compressG1(publicKey), proof, POP_DST);
    }

    /// @notice Checks e(a1, a2) * e(b1, b2) == 1 with the PAIRING_CHECK precompile, which refuses (and this reverts)
    /// points off their curve or outside their subgroup. A pair with the identity contributes 1.
    /// @param a1 First G1 point.
    /// @param a2 First G2 point.
    /// @param b1 Second G1 point.
    /// @param b2 Second G2 point.
    /// @return holds Whether the product of the two pairings is one.
    function pairingCheck(G1Point memory a1, G2Point memory a2, G1Point memory b1, G2Point memory b2)
        internal
        view
        returns (bool holds)
    {
        uint256 input = _allocate(0x320);
        assembly ("memory-safe") {
            mcopy(input, a1, 0x80)
            mcopy(add(input, 0x80), a2, 0x100)
            mcopy(add(input, 0x180), b1, 0x80)
            mcopy(add(input, 0x200), b2, 0x100)
        }
        _call(PAIRING_CHECK, PRECOMPILE_GAS, input, 0x300, input + 0x300, 0x20);
        uint256 result;
        assembly ("memory-safe") {
            result := mload(add(input, 0x300))
        }
        return result == 1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Keys
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice KeyValidate for an uncompressed key: reverts unless it is a point of G1 other than the identity.
    /// @dev One G1MSM call with the scalar 1 (it checks the curve and the subgroup): 12,000 gas for the precompile.
    /// Reverts with `BlsInfinityPublicKey` or `BlsPrecompileFailed`.
    /// @param publicKey The key.
    function validatePublicKey(G1Point memory publicKey) internal view {
        if (isInfinity(publicKey)) revert BlsInfinityPublicKey();
        checkG1(publicKey);
    }

    /// @notice Reverts with `BlsPrecompileFailed` unless `point` is in G1 (the identity included).
    /// @param point The point.
    function checkG1(G1Point memory point) internal view {
        uint256 input = _allocate(0xa0);
        assembly ("memory-safe") {
            mcopy(input, point, 0x80)
            mstore(add(input, 0x80), 1)
        }
        _call(G1MSM, PRECOMPILE_GAS, input, 0xa0, input, 0x80);
    }

    /// @notice Reverts with `BlsPrecompileFailed` unless `point` is in G2 (the identity included).
    /// @dev One G2MSM call with the scalar 1: 22,500 gas for the precompile.
    /// @param point The point.
    function checkG2(G2Point memory point) internal view {
        uint256 input = _allocate(0x120);
        assembly ("memory-safe") {
            mcopy(input, point, 0x100)
            mstore(add(input, 0x100), 1)
        }
        _call(G2MSM, PRECOMPILE_GAS, input, 0x120, input, 0x100);
    }

    /// @notice The sum of two points with G1ADD (which checks the curve, not the subgroup).
    /// @param a A point.
    /// @param b A point.
    /// @return sum a + b.
    function addG1(G1Point memory a, G1Point memory b) internal view returns (G1Point memory sum) {
        uint256 input = _allocate(0x100);
        uint256 output;
        assembly ("memory-safe") {
            mcopy(input, a, 0x80)
            mcopy(add(input, 0x80), b, 0x80)
            output := sum
        }
        _call(G1ADD, PRECOMPILE_GAS, input, 0x100, output, 0x80);
    }

    /// @notice The sum of two points with G2ADD (which checks the curve, not the subgroup).
    /// @param a A point.
    /// @param b A point.
    /// @return sum a + b.
    function addG2(G2Point memory a, G2Point memory b) internal view returns (G2Point memory sum) {
        uint256 input = _allocate(0x200);
        uint256 output;
        assembly ("memory-safe") {
            mcopy(input, a, 0x100)
            mcopy(add(input, 0x100), b, 0x100)
            output := sum
        }
        _call(G2ADD, PRECOMPILE_GAS, input, 0x200, output, 0x100);
    }

    /// @notice The aggregate (sum) of public keys for verifying one message they all signed, with one G1ADD per key
    /// after the first (375 gas each). No subgroup check: sum only keys checked when they were registered.
    /// @dev Reverts with `BlsEmptyKeyList` for no keys and `BlsInfinityPublicKey` when a key is the identity.
    /// @param keys The keys.
    /// @return aggregate Their sum.
    function aggregateG1(G1Point[] memory keys) internal view returns (G1Point memory aggregate) {
        uint256 n = keys.length;
        if (n == 0) revert BlsEmptyKeyList();
        for (uint256 i; i < n; ++i) {
            if (isInfinity(keys[i])) revert BlsInfinityPublicKey();
        }
        // acc (128 bytes) || next key (128 bytes); G1ADD writes the sum over acc.
        uint256 buffer = _allocate(0x100);
        assembly ("memory-safe") {
            mcopy(buffer, mload(add(keys, 0x20)), 0x80)
        }
        for (uint256 i = 1; i < n; ++i) {
            assembly ("memory-safe") {
                mcopy(add(buffer, 0x80), mload(add(keys, mul(add(i, 1), 0x20))), 0x80)
            }
            _call(G1ADD, PRECOMPILE_GAS, buffer, 0x100, buffer, 0x80);
        }
        assembly ("memory-safe") {
            mcopy(aggregate, buffer, 0x80)
        }
    }

    /// @notice The aggregate of public keys with one G1MSM call (every scalar 1), which checks that each key is in G1.
    /// Costs far more than `aggregateG1` (12,000 gas per key before the MSM discount); for keys not checked before. The
    /// call is given `PRECOMPILE_GAS` or n x `G1MSM_GAS_PER_POINT`, whichever is more.
    /// @dev Reverts with `BlsEmptyKeyList` for no keys, `BlsInfinityPublicKey` when a key is the identity and
    /// `BlsPrecompileFailed` when one is not in G1.
    /// @param keys The keys.
    /// @return aggregate Their sum.
    function aggregateG1Checked(G1Point[] memory keys) internal view returns (G1Point memory aggregate) {
        uint256 n = keys.length;
        if (n == 0) revert BlsEmptyKeyList();
        for (uint256 i; i < n; ++i) {
            if (isInfinity(keys[i])) revert BlsInfinityPublicKey();
        }
        // k slices of key (128 bytes) || scalar (32 bytes).
        uint256 input = _allocate(n * 0xa0);
        uint256 output;
        assembly ("memory-safe") {
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let slice := add(input, mul(i, 0xa0))
                mcopy(slice, mload(add(keys, mul(add(i, 1), 0x20))), 0x80)
                mstore(add(slice, 0x80), 1)
            }
            output := aggregate
        }
        uint256 allowance = n * G1MSM_GAS_PER_POINT;
        if (allowance < PRECOMPILE_GAS) allowance = PRECOMPILE_GAS;
        _call(G1MSM, allowance, input, n * 0xa0, output, 0x80);
    }

    /// @notice The generator of G1.
    /// @return generator The generator.
    function g1Generator() internal pure returns (G1Point memory generator) {
        return G1Point(G1_X_HI, G1_X_LO, G1_Y_HI, G1_Y_LO);
    }

    /// @notice Whether a G1 point is the identity (all zeros).
    /// @param point The point.
    /// @return infinity True for the identity.
    function isInfinity(G1Point memory point) internal pure returns (bool infinity) {
        return (point.xHi | point.xLo | point.yHi | point.yLo) == 0;
    }

    /// @notice Whether a G2 point is the identity (all zeros).
    /// @param point The point.
    /// @return infinity True for the identity.
    function isInfinity(G2Point memory point) internal pure returns (bool infinity) {
        return (point.x0Hi | point.x0Lo | point.x1Hi | point.x1Lo | point.y0Hi | point.y0Lo | point.y1Hi | point.y1Lo)
            == 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hash to G2 (RFC 9380, suite BLS12381G2_XMD:SHA-256_SSWU_RO_)
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice hash_to_curve of RFC 9380 into G2: expand_message_xmd with SHA-256 to 256 bytes, hash_to_field to two
    /// Fp2 elements u0, u1 (each 64-byte chunk reduced mod p with MODEXP), then MAP_FP2_TO_G2(u0) + MAP_FP2_TO_G2(u1).
    /// @dev The map precompile applies the simplified SWU map, the 3-isogeny and clear_cofactor; clearing the cofactor
    /// is a group homomorphism, so the sum of the two cleared points is the RFC's clear_cofactor(map(u0) + map(u1)).
    /// The result is in G2.
    /// @param message The message.
    /// @param dst The domain separation tag, 1 to 255 bytes.
    /// @return point H(message).
    function hashToG2(bytes memory message, bytes memory dst) internal view returns (G2Point memory point) {
        bytes32[8] memory uniform = expandMessageXmd(message, dst);
        uint256[8] memory field; // u0.c0, u0.c1, u1.c0, u1.c1: 64 bytes each, in the precompile encoding
        bool ok = true;
        assembly ("memory-safe") {
            // MODEXP input: lengths (64, 1, 64), base (64 bytes), exponent 1 (1 byte), modulus p (64 bytes).
            let input := mload(0x40)
            mstore(input, 0x40)
            mstore(add(input, 0x20), 0x01)
            mstore(add(input, 0x40), 0x40)
            mstore8(add(input, 0xa0), 0x01)
            mstore(add(input, 0xa1), P_HI)
            mstore(add(input, 0xc1), P_LO)
            for { let i := 0 } lt(i, 4) { i := add(i, 1) } {
                mstore(add(input, 0x60), mload(add(uniform, mul(i, 0x40))))
                mstore(add(input, 0x80), mload(add(uniform, add(mul(i, 0x40), 0x20))))
                ok := and(ok, staticcall(gas(), 0x05, input, 0xe1, add(field, mul(i, 0x40)), 0x40))
                ok := and(ok, eq(returndatasize(), 0x40))
            }
        }
        if (!ok) revert BlsPrecompileFailed(MODEXP);
        // map(u0) || map(u1), then G2ADD of the two into the result.
        uint256 mapped = _allocate(0x200);
        uint256 u;
        uint256 output;
        assembly ("memory-safe") {
            u := field
            output := point
        }
        _call(MAP_FP2_TO_G2, PRECOMPILE_GAS, u, 0x80, mapped, 0x100);
        _call(MAP_FP2_TO_G2, PRECOMPILE_GAS, u + 0x80, 0x80, mapped + 0x100, 0x100);
        _call(G2ADD, PRECOMPILE_GAS, mapped, 0x200, output, 0x100);
    }

    /// @notice expand_message_xmd of RFC 9380 (section 5.3.1) with SHA-256 and len_in_bytes = 256, the length that
    /// hash_to_field needs for two Fp2 elements (2 x 2 x 64 bytes).
    /// @param message The message.
    /// @param dst The domain separation tag, 1 to 255 bytes.
    /// @return uniform The 256 bytes, as eight words b_1 .. b_8.
    function expandMessageXmd(bytes memory message, bytes memory dst)
        internal
        view
        returns (bytes32[8] memory uniform)
    {
        uint256 dstLength = dst.length;
        if (dstLength == 0 || dstLength > 255) revert BlsInvalidDst(dstLength);
        bool ok;
        assembly ("memory-safe") {
            // b_0 = H(Z_pad || msg || I2OSP(256, 2) || I2OSP(0, 1) || DST || I2OSP(len(DST), 1)), Z_pad = 64 zeros.
            let buffer := mload(0x40)
            let messageLength := mload(message)
            mstore(buffer, 0)
            mstore(add(buffer, 0x20), 0)
            mcopy(add(buffer, 0x40), add(message, 0x20), messageLength)
            let tail := add(add(buffer, 0x40), messageLength)
            mstore8(tail, 0x01)
            mstore8(add(tail, 1), 0x00)
            mstore8(add(tail, 2), 0x00)
            mcopy(add(tail, 3), add(dst, 0x20), dstLength)
            mstore8(add(add(tail, 3), dstLength), dstLength)
            ok := staticcall(gas(), 0x02, buffer, add(add(0x44, messageLength), dstLength), 0x00, 0x20)
            let b0 := mload(0x00)
            // b_i = H((b_0 xor b_(i-1)) || I2OSP(i, 1) || DST || I2OSP(len(DST), 1)), with b_1 = H(b_0 || 1 || ...).
            mcopy(add(buffer, 0x21), add(dst, 0x20), dstLength)
            mstore8(add(add(buffer, 0x21), dstLength), dstLength)
            let previous := 0
            for { let i := 1 } lt(i, 9) { i := add(i, 1) } {
                mstore(buffer, xor(b0, previous))
                mstore8(add(buffer, 0x20), i)
                ok := and(ok, staticcall(gas(), 0x02, buffer, add(0x22, dstLength), 0x00, 0x20))
                previous := mload(0x00)
                mstore(add(uniform, mul(sub(i, 1), 0x20)), previous)
            }
        }
        if (!ok) revert BlsPrecompileFailed(SHA256);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Compressed encodings (Zcash format: big-endian x, for G2 x.c1 then x.c0; flags in the top three bits)
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice The 48-byte compressed encoding of a G1 point: x with the compression flag, the sign flag when y is the
    /// larger of y and p - y; 0xc0 then zeros for the identity. Does not check that the point is on the curve.
    /// @dev Reverts with `BlsNotAFieldElement` when a coordinate is not below p.
    /// @param point The point.
    /// @return encoded The 48 bytes.
    function compressG1(G1Point memory point) internal pure returns (bytes memory encoded) {
        encoded = new bytes(48);
        if (isInfinity(point)) {
            encoded[0] = bytes1(FLAG_COMPRESSED | FLAG_INFINITY);
            return encoded;
        }
        _requireFieldElement(point.xHi, point.xLo);
        _requireFieldElement(point.yHi, point.yLo);
        uint256 xHi = point.xHi;
        uint256 xLo = point.xLo;
        assembly ("memory-safe") {
            mstore(add(encoded, 0x20), shl(128, xHi))
            mstore(add(encoded, 0x30), xLo)
        }
        uint8 flags = FLAG_COMPRESSED | (_isLarger(point.yHi, point.yLo) ? FLAG_SIGN : 0);
        encoded[0] = bytes1(uint8(encoded[0]) | flags);
    }

    /// @notice The 96-byte compressed encoding of a G2 point: x.c1 then x.c0, flags as for G1 with the sign taken from
    /// y.c1, or from y.c0 when y.c1 is zero. Does not check that the point is on the curve.
    /// @dev Reverts with `BlsNotAFieldElement` when a coordinate is not below p.
    /// @param point The point.
    /// @return encoded The 96 bytes.
    function compressG2(G2Point memory point) internal pure returns (bytes memory encoded) {
        encoded = new bytes(96);
        if (isInfinity(point)) {
            encoded[0] = bytes1(FLAG_COMPRESSED | FLAG_INFINITY);
            return encoded;
        }
        _requireFieldElement(point.x0Hi, point.x0Lo);
        _requireFieldElement(point.x1Hi, point.x1Lo);
        _requireFieldElement(point.y0Hi, point.y0Lo);
        _requireFieldElement(point.y1Hi, point.y1Lo);
        uint256 x1Hi = point.x1Hi;
        uint256 x1Lo = point.x1Lo;
        uint256 x0Hi = point.x0Hi;
        uint256 x0Lo = point.x0Lo;
        assembly ("memory-safe") {
            mstore(add(encoded, 0x20), shl(128, x1Hi))
            mstore(add(encoded, 0x30), x1Lo)
            mstore(add(encoded, 0x50), shl(128, x0Hi))
            mstore(add(encoded, 0x60), x0Lo)
        }
        bool larger = (point.y1Hi | point.y1Lo) != 0
            ? _isLarger(point.y1Hi, point.y1Lo)
            : _isLarger(point.y0Hi, point.y0Lo);
        uint8 flags = FLAG_COMPRESSED | (larger ? FLAG_SIGN : 0);
        encoded[0] = bytes1(uint8(encoded[0]) | flags);
    }

    /// @notice Whether `encoded` is the compressed encoding of `point` (a registered key against a receipt's key).
    /// @param point The uncompressed point.
    /// @param encoded 48 bytes.
    /// @return matches True when compressing the point gives exactly these bytes.
    function matchesCompressed(G1Point memory point, bytes memory encoded) internal pure returns (bool matches) {
        return encoded.length == 48 && keccak256(compressG1(point)) == keccak256(encoded);
    }

    /// @notice Whether `encoded` is the compressed encoding of `point` (a claim's signature against a receipt's).
    /// @param point The uncompressed point.
    /// @param encoded 96 bytes.
    /// @return matches True when compressing the point gives exactly these bytes.
    function matchesCompressed(G2Point memory point, bytes memory encoded) internal pure returns (bool matches) {
        return encoded.length == 96 && keccak256(compressG2(point)) == keccak256(encoded);
    }

    /// @dev Calls `precompile` with `allowance` gas on `inputSize` bytes at `input`, the `outputSize` bytes of its answer
    /// written at `output`. Reverts with `BlsGasTooLow` when less is left than passing on the whole allowance needs,
    /// and with `BlsPrecompileFailed` when the precompile refuses the input or answers with another length (missing).
    function _call(
        address precompile,
        uint256 allowance,
        uint256 input,
        uint256 inputSize,
        uint256 output,
        uint256 outputSize
    ) private view {
        uint256 needed = allowance + allowance / 63 + CALL_OVERHEAD;
        uint256 available = gasleft();
        if (available < needed) revert BlsGasTooLow(precompile, available, needed);
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(allowance, precompile, input, inputSize, output, outputSize)
            ok := and(ok, eq(returndatasize(), outputSize))
        }
        if (!ok) revert BlsPrecompileFailed(precompile);
    }

    /// @dev `size` bytes of fresh memory (the free memory pointer moved past them), their address.
    function _allocate(uint256 size) private pure returns (uint256 pointer) {
        assembly ("memory-safe") {
            pointer := mload(0x40)
            mstore(0x40, add(pointer, size))
        }
    }

    /// @dev Reverts unless the element (hi, lo) is below p.
    function _requireFieldElement(uint256 hi, uint256 lo) private pure {
        if (hi > P_HI || (hi == P_HI && lo >= P_LO)) revert BlsNotAFieldElement();
    }

    /// @dev Whether the element (hi, lo) is above (p - 1) / 2, i.e. the lexicographically larger of y and p - y.
    function _isLarger(uint256 hi, uint256 lo) private pure returns (bool) {
        return hi > HALF_HI || (hi == HALF_HI && lo > HALF_LO);
    }
}
