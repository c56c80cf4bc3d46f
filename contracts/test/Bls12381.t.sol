// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {TestBase, console} from "./utils/Vm.sol";
import {Bls12381} from "../src/Bls12381.sol";
import {
    BlsVectors,
    HashToG2Case,
    SignedCase,
    AggregateCase,
    DecodeG1Case,
    DecodeG2Case
} from "./vectors/BlsVectors.sol";

/// Exposes the library's internal functions as external calls, so that the tests can catch its reverts and measure gas.
contract Bls12381Harness {
    function hashToG2(bytes calldata message, bytes calldata dst) external view returns (Bls12381.G2Point memory) {
        return Bls12381.hashToG2(message, dst);
    }

    function verify(
        Bls12381.G1Point calldata publicKey,
        bytes calldata message,
        Bls12381.G2Point calldata signature,
        bytes calldata dst
    ) external view returns (bool) {
        return Bls12381.verify(publicKey, message, signature, dst);
    }

    function verifyReceipt(Bls12381.G1Point calldata publicKey, bytes32 message, Bls12381.G2Point calldata signature)
        external
        view
        returns (bool)
    {
        return Bls12381.verify(publicKey, message, signature);
    }

    function verifyProofOfPossession(Bls12381.G1Point calldata publicKey, Bls12381.G2Point calldata proof)
        external
        view
        returns (bool)
    {
        return Bls12381.verifyProofOfPossession(publicKey, proof);
    }

    function validatePublicKey(Bls12381.G1Point calldata publicKey) external view {
        Bls12381.validatePublicKey(publicKey);
    }

    function checkG1(Bls12381.G1Point calldata point) external view {
        Bls12381.checkG1(point);
    }

    function checkG2(Bls12381.G2Point calldata point) external view {
        Bls12381.checkG2(point);
    }

    function aggregateG1(Bls12381.G1Point[] calldata keys) external view returns (Bls12381.G1Point memory) {
        return Bls12381.aggregateG1(keys);
    }

    function aggregateG1Checked(Bls12381.G1Point[] calldata keys) external view returns (Bls12381.G1Point memory) {
        return Bls12381.aggregateG1Checked(keys);
    }

    function addG2(Bls12381.G2Point calldata a, Bls12381.G2Point calldata b)
        external
        view
        returns (Bls12381.G2Point memory)
    {
        return Bls12381.addG2(a, b);
    }

    function compressG1(Bls12381.G1Point calldata point) external pure returns (bytes memory) {
        return Bls12381.compressG1(point);
    }

    function compressG2(Bls12381.G2Point calldata point) external pure returns (bytes memory) {
        return Bls12381.compressG2(point);
    }

    function expandMessageXmd(bytes calldata message, bytes calldata dst) external view returns (bytes32[8] memory) {
        return Bls12381.expandMessageXmd(message, dst);
    }

    /// Gas of the library call alone (no transaction base, no calldata), for the README's figures.
    function gasOfHashToG2(bytes calldata message) external view returns (uint256 used) {
        uint256 start = gasleft();
        Bls12381.hashToG2(message, Bls12381.SIGNATURE_DST);
        used = start - gasleft();
    }

    function gasOfVerifyReceipt(
        Bls12381.G1Point calldata publicKey,
        bytes32 message,
        Bls12381.G2Point calldata signature
    ) external view returns (bool valid, uint256 used) {
        uint256 start = gasleft();
        valid = Bls12381.verify(publicKey, message, signature);
        used = start - gasleft();
    }

    function gasOfAggregateVerifyReceipt(
        Bls12381.G1Point[] calldata keys,
        bytes32 message,
        Bls12381.G2Point calldata signature
    ) external view returns (bool valid, uint256 used) {
        uint256 start = gasleft();
        valid = Bls12381.verify(Bls12381.aggregateG1(keys), message, signature);
        used = start - gasleft();
    }

    function gasOfValidatePublicKey(Bls12381.G1Point calldata publicKey) external view returns (uint256 used) {
        uint256 start = gasleft();
        Bls12381.validatePublicKey(publicKey);
        used = start - gasleft();
    }
}

/// Helpers shared by the BLS test contracts (one contract per vector family keeps each under the code size limit).
abstract contract Bls12381TestBase is TestBase {
    /// Gas for one call that may fail: a precompile that refuses its input consumes all the gas it was given, so each
    /// such call gets a bounded amount instead of most of the test's.
    uint256 internal constant CALL_GAS = 2_000_000;

    Bls12381Harness internal bls;

    function setUp() public virtual {
        bls = new Bls12381Harness();
    }

    function _hash(Bls12381.G1Point memory p) internal pure returns (bytes32) {
        return keccak256(abi.encode(p));
    }

    function _hash(Bls12381.G2Point memory p) internal pure returns (bytes32) {
        return keccak256(abi.encode(p));
    }

    /// A revert of the library must carry one of its own errors (not a panic, not an empty revert).
    function _requireTypedError(bytes memory reason, string memory name) internal pure {
        vm.assertTrue(reason.length >= 4, string.concat(name, ": revert without an error"));
        bytes4 selector = bytes4(reason);
        bool known = selector == Bls12381.BlsPrecompileFailed.selector
            || selector == Bls12381.BlsInfinityPublicKey.selector || selector == Bls12381.BlsEmptyKeyList.selector
            || selector == Bls12381.BlsNotAFieldElement.selector;
        vm.assertTrue(known, string.concat(name, ": revert with an error that is not the library's"));
    }

    /// Runs `verify` and checks the outcome: `expected` true needs true; false accepts false or a typed revert.
    function _checkVerify(
        Bls12381.G1Point memory pk,
        bytes memory message,
        Bls12381.G2Point memory sig,
        bytes memory dst,
        bool expected,
        string memory name
    ) internal view {
        try bls.verify{gas: CALL_GAS}(pk, message, sig, dst) returns (bool valid) {
            vm.assertEq(valid, expected, name);
        } catch (bytes memory reason) {
            vm.assertFalse(expected, string.concat(name, ": a valid signature reverted"));
            _requireTypedError(reason, name);
        }
    }
}

/// hash_to_G2 against every case of shared/crypto-vectors/bls/hash_to_G2 (RFC 9380 section 8.8.2, test DST) and
/// against crypto/Bls under the signature DST.
contract Bls12381HashTest is Bls12381TestBase {
    function test_HashToG2_MatchesEveryVector() public view {
        HashToG2Case[] memory cases = BlsVectors.hashToG2();
        vm.assertTrue(cases.length > 0, "no hash_to_G2 cases");
        for (uint256 i; i < cases.length; ++i) {
            Bls12381.G2Point memory got = bls.hashToG2(cases[i].message, cases[i].dst);
            vm.assertEq(_hash(got), _hash(cases[i].expected), cases[i].name);
        }
        console.log(string.concat("hash_to_G2 cases: ", vm.toString(cases.length)));
    }

    /// RFC 9380 publishes expand_message_xmd vectors of 32 and 128 bytes only; the 256 bytes made here are covered by
    /// the hash_to_G2 vectors. Here: the output depends on the DST and on the message.
    function test_ExpandMessageXmd_DependsOnDstAndMessage() public view {
        bytes32[8] memory a = bls.expandMessageXmd("abc", Bls12381.SIGNATURE_DST);
        bytes32[8] memory b = bls.expandMessageXmd("abc", Bls12381.POP_DST);
        bytes32[8] memory c = bls.expandMessageXmd("abd", Bls12381.SIGNATURE_DST);
        vm.assertTrue(a[0] != b[0] && a[7] != b[7], "the DST changes the output");
        vm.assertTrue(a[0] != c[0] && a[7] != c[7], "the message changes the output");
    }

    function test_HashToG2_RefusesEmptyAndLongDst() public {
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsInvalidDst.selector, 0));
        bls.hashToG2("abc", "");
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsInvalidDst.selector, 256));
        bls.hashToG2("abc", new bytes(256));
    }

    /// The sum of the two cleared map outputs equals clear_cofactor of their sum (checked by the vectors above); here
    /// also: the hash is in G2, as G2MSM's subgroup check confirms.
    function test_HashToG2_IsInG2() public view {
        bls.checkG2(bls.hashToG2(abi.encodePacked(bytes32(uint256(1))), Bls12381.SIGNATURE_DST));
    }
}

/// Single signatures: every case of shared/crypto-vectors/bls/verify, and crypto/Bls's receipt signature and proofs
/// of possession (also checked under the wrong DST).
contract Bls12381VerifyTest is Bls12381TestBase {
    function test_Verify_EveryVector() public view {
        SignedCase[] memory cases = BlsVectors.signed();
        vm.assertTrue(cases.length > 0, "no verify cases");
        uint256 valid;
        for (uint256 i; i < cases.length; ++i) {
            SignedCase memory c = cases[i];
            if (c.pkDecodes && c.sigDecodes) {
                // The uncompressed points are the ones the compressed encodings name.
                vm.assertEq(keccak256(bls.compressG1(c.pk)), keccak256(c.pubkey), string.concat(c.name, ": pubkey"));
                vm.assertEq(keccak256(bls.compressG2(c.sig)), keccak256(c.signature), string.concat(c.name, ": sig"));
            } else {
                vm.assertFalse(c.expected, string.concat(c.name, ": undecodable but expected valid"));
            }
            if (c.expected) bls.validatePublicKey(c.pk);
            _checkVerify(c.pk, c.message, c.sig, c.dst, c.expected, c.name);
            if (c.expected) ++valid;
        }
        vm.assertTrue(valid > 0 && valid < cases.length, "both valid and invalid cases ran");
        console.log(string.concat("verify cases: ", vm.toString(cases.length), ", valid: ", vm.toString(valid)));
    }

    function test_VerifyProofOfPossession_MarketplaceKey() public view {
        SignedCase[] memory cases = BlsVectors.signed();
        uint256 seen;
        for (uint256 i; i < cases.length; ++i) {
            SignedCase memory c = cases[i];
            if (keccak256(c.dst) != keccak256(Bls12381.POP_DST)) continue;
            vm.assertTrue(bls.verifyProofOfPossession(c.pk, c.sig), c.name);
            // A proof of another key does not pass.
            SignedCase memory other = cases[(i + 2) % cases.length];
            if (keccak256(other.pubkey) != keccak256(c.pubkey)) {
                vm.assertFalse(bls.verifyProofOfPossession(other.pk, c.sig), string.concat(c.name, ": other key"));
            }
            ++seen;
        }
        vm.assertTrue(seen > 0, "no proof of possession ran");
    }

    function test_VerifyReceipt_Bytes32Overload() public view {
        SignedCase memory c = _case("marketplace/receipt");
        vm.assertTrue(bls.verifyReceipt(c.pk, bytes32(c.message), c.sig), "receipt signature");
        vm.assertFalse(bls.verifyReceipt(c.pk, bytes32(uint256(bytes32(c.message)) ^ 1), c.sig), "other receipt");
    }

    function test_Verify_RefusesInfinityKey() public {
        SignedCase memory c = _case("marketplace/receipt");
        Bls12381.G1Point memory zero;
        Bls12381.G2Point memory zeroSig;
        vm.expectRevert(Bls12381.BlsInfinityPublicKey.selector);
        bls.verify(zero, c.message, zeroSig, Bls12381.SIGNATURE_DST);
        vm.expectRevert(Bls12381.BlsInfinityPublicKey.selector);
        bls.validatePublicKey(zero);
    }

    function test_Verify_IdentitySignatureFails() public view {
        SignedCase memory c = _case("marketplace/receipt");
        Bls12381.G2Point memory zeroSig;
        vm.assertFalse(bls.verify(c.pk, c.message, zeroSig, Bls12381.SIGNATURE_DST), "identity signature");
    }

    function test_Verify_OffCurvePointsRevert() public {
        SignedCase memory c = _case("marketplace/receipt");
        Bls12381.G1Point memory pk = Bls12381.G1Point(c.pk.xHi, c.pk.xLo, c.pk.yHi, c.pk.yLo ^ 1);
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0f)));
        bls.verify{gas: CALL_GAS}(pk, c.message, c.sig, Bls12381.SIGNATURE_DST);
        Bls12381.G2Point memory sig = abi.decode(abi.encode(c.sig), (Bls12381.G2Point));
        sig.y0Lo ^= 1;
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0f)));
        bls.verify{gas: CALL_GAS}(c.pk, c.message, sig, Bls12381.SIGNATURE_DST);
    }

    /// Every EIP-2537 call gets a fixed allowance (`PRECOMPILE_GAS`): a point a precompile refuses costs at most that,
    /// however much gas the call carries, and reverts with the library's error naming the precompile.
    function test_OffCurvePoints_RevertTypedWithinTheAllowance() public view {
        SignedCase memory c = _case("marketplace/receipt");
        uint256 given = 30_000_000;
        Bls12381.G2Point memory sig = abi.decode(abi.encode(c.sig), (Bls12381.G2Point));
        sig.y0Lo ^= 1;
        uint256 before = gasleft();
        try bls.verify{gas: given}(c.pk, c.message, sig, Bls12381.SIGNATURE_DST) returns (bool) {
            vm.assertTrue(false, "an off-curve signature verified");
        } catch (bytes memory reason) {
            vm.assertEq(reason, abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0f)), "pairing");
        }
        uint256 verifyUsed = before - gasleft();

        Bls12381.G1Point memory key = Bls12381.G1Point(c.pk.xHi, c.pk.xLo, c.pk.yHi, c.pk.yLo ^ 1);
        before = gasleft();
        try bls.validatePublicKey{gas: given}(key) {
            vm.assertTrue(false, "an off-curve key validated");
        } catch (bytes memory reason) {
            vm.assertEq(reason, abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0c)), "G1MSM");
        }
        uint256 keyUsed = before - gasleft();

        Bls12381.G1Point[] memory keys = new Bls12381.G1Point[](2);
        (keys[0], keys[1]) = (c.pk, key);
        before = gasleft();
        try bls.aggregateG1{gas: given}(keys) returns (Bls12381.G1Point memory) {
            vm.assertTrue(false, "an off-curve key was added");
        } catch (bytes memory reason) {
            vm.assertEq(reason, abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0b)), "G1ADD");
        }
        uint256 addUsed = before - gasleft();

        console.log(string.concat("verify, off-curve signature: ", vm.toString(verifyUsed), " gas"));
        console.log(string.concat("validatePublicKey, off-curve key: ", vm.toString(keyUsed), " gas"));
        console.log(string.concat("aggregateG1, an off-curve key: ", vm.toString(addUsed), " gas"));
        // The allowance (250,000) plus the work before the refused call and the transaction's own cost (21,000 and
        // calldata, `isolate`): far below the 30,000,000 given.
        uint256 allowance = Bls12381.PRECOMPILE_GAS;
        vm.assertLt(verifyUsed, allowance + 130_000, "verify: the pairing's allowance and the hash to G2");
        vm.assertLt(keyUsed, allowance + 30_000, "validatePublicKey: G1MSM's allowance");
        vm.assertLt(addUsed, allowance + 30_000, "aggregateG1: G1ADD's allowance");
    }

    /// Too little gas to pass a call its whole allowance reverts with `BlsGasTooLow`, never with `BlsPrecompileFailed`:
    /// a short allowance is not taken for a refused point.
    function test_RevertWhen_TooLittleGasForTheAllowance() public {
        SignedCase memory c = _case("marketplace/receipt");
        vm.expectPartialRevert(Bls12381.BlsGasTooLow.selector);
        bls.verify{gas: 200_000}(c.pk, c.message, c.sig, Bls12381.SIGNATURE_DST);
        vm.expectPartialRevert(Bls12381.BlsGasTooLow.selector);
        bls.validatePublicKey{gas: 200_000}(c.pk);
        vm.assertTrue(bls.verify{gas: 500_000}(c.pk, c.message, c.sig, Bls12381.SIGNATURE_DST), "enough gas verifies");
    }

    function test_Compress_RoundTripsAndNegation() public view {
        SignedCase memory c = _case("marketplace/receipt");
        // -P has the other sign flag and nothing else changed.
        Bls12381.G1Point memory neg = Bls12381.G1Point(c.pk.xHi, c.pk.xLo, 0, 0);
        (neg.yHi, neg.yLo) = _negate(c.pk.yHi, c.pk.yLo);
        bytes memory a = bls.compressG1(c.pk);
        bytes memory b = bls.compressG1(neg);
        vm.assertEq(uint256(uint8(a[0] ^ b[0])), 0x20, "sign flag flips");
        a[0] = b[0];
        vm.assertEq(keccak256(a), keccak256(b), "x unchanged");
        // The identity.
        Bls12381.G1Point memory zero;
        Bls12381.G2Point memory zeroSig;
        vm.assertEq(uint256(uint8(bls.compressG1(zero)[0])), 0xc0, "G1 identity");
        vm.assertEq(uint256(uint8(bls.compressG2(zeroSig)[0])), 0xc0, "G2 identity");
    }

    function test_Compress_RefusesCoordinateAtModulus() public {
        Bls12381.G1Point memory p = Bls12381.G1Point(P_HI, P_LO, 0, 1);
        vm.expectRevert(Bls12381.BlsNotAFieldElement.selector);
        bls.compressG1(p);
    }

    uint256 private constant P_HI = 0x000000000000000000000000000000001a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    function _negate(uint256 hi, uint256 lo) private pure returns (uint256, uint256) {
        unchecked {
            uint256 borrow = lo > P_LO ? 1 : 0;
            return (P_HI - hi - borrow, P_LO - lo);
        }
    }

    function _case(string memory name) private pure returns (SignedCase memory) {
        SignedCase[] memory cases = BlsVectors.signed();
        for (uint256 i; i < cases.length; ++i) {
            if (keccak256(bytes(cases[i].name)) == keccak256(bytes(name))) return cases[i];
        }
        revert(string.concat("no case ", name));
    }
}

/// One message, many keys: every case of shared/crypto-vectors/bls/fast_aggregate_verify and crypto/Bls's three
/// signers of one receipt. Each key is validated as at registration, then summed with G1ADD.
contract Bls12381AggregateTest is Bls12381TestBase {
    function test_FastAggregateVerify_EveryVector() public view {
        AggregateCase[] memory cases = BlsVectors.aggregate();
        vm.assertTrue(cases.length > 0, "no fast_aggregate_verify cases");
        uint256 valid;
        for (uint256 i; i < cases.length; ++i) {
            if (_run(cases[i])) ++valid;
        }
        vm.assertTrue(valid > 0 && valid < cases.length, "both valid and invalid cases ran");
        console.log(string.concat("fast_aggregate_verify cases: ", vm.toString(cases.length)));
    }

    function _run(AggregateCase memory c) private view returns (bool) {
        bool decodes = c.sigDecodes;
        for (uint256 j; j < c.pks.length; ++j) {
            decodes = decodes && c.pkDecodes[j];
        }
        if (!decodes) vm.assertFalse(c.expected, string.concat(c.name, ": undecodable but expected valid"));
        // Registration: KeyValidate of every key.
        for (uint256 j; j < c.pks.length; ++j) {
            try bls.validatePublicKey{gas: CALL_GAS}(c.pks[j]) {}
            catch (bytes memory reason) {
                vm.assertFalse(c.expected, string.concat(c.name, ": a valid key was refused"));
                _requireTypedError(reason, c.name);
                return false;
            }
        }
        Bls12381.G1Point memory aggregate;
        try bls.aggregateG1{gas: CALL_GAS}(c.pks) returns (Bls12381.G1Point memory sum) {
            aggregate = sum;
        } catch (bytes memory reason) {
            vm.assertFalse(c.expected, string.concat(c.name, ": aggregation failed"));
            _requireTypedError(reason, c.name);
            return false;
        }
        if (c.expected) {
            vm.assertEq(_hash(bls.aggregateG1Checked(c.pks)), _hash(aggregate), string.concat(c.name, ": MSM sum"));
        }
        _checkVerify(aggregate, c.message, c.sig, Bls12381.SIGNATURE_DST, c.expected, c.name);
        return c.expected;
    }

    function test_Aggregate_RefusesEmptyList() public {
        Bls12381.G1Point[] memory none = new Bls12381.G1Point[](0);
        vm.expectRevert(Bls12381.BlsEmptyKeyList.selector);
        bls.aggregateG1(none);
        vm.expectRevert(Bls12381.BlsEmptyKeyList.selector);
        bls.aggregateG1Checked(none);
    }

    function test_Aggregate_RefusesInfinityKey() public {
        Bls12381.G1Point[] memory keys = new Bls12381.G1Point[](2);
        keys[0] = Bls12381.g1Generator();
        vm.expectRevert(Bls12381.BlsInfinityPublicKey.selector);
        bls.aggregateG1(keys);
        vm.expectRevert(Bls12381.BlsInfinityPublicKey.selector);
        bls.aggregateG1Checked(keys);
    }

    /// (0, 2) is on the curve y^2 = x^3 + 4 but has order 3, so it is not in G1. G1ADD adds it without complaint (the
    /// reason keys are checked at registration); the MSM path, the key check and the pairing refuse it.
    function test_PointOutsideG1_RefusedByChecksNotByG1Add() public {
        Bls12381.G1Point[] memory keys = new Bls12381.G1Point[](2);
        keys[0] = Bls12381.g1Generator();
        keys[1] = Bls12381.G1Point(0, 0, 0, 2);
        bls.aggregateG1(keys);
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0c)));
        bls.aggregateG1Checked{gas: CALL_GAS}(keys);
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0c)));
        bls.validatePublicKey{gas: CALL_GAS}(keys[1]);
        Bls12381.G2Point memory sig = bls.hashToG2("x", Bls12381.SIGNATURE_DST);
        vm.expectRevert(abi.encodeWithSelector(Bls12381.BlsPrecompileFailed.selector, address(0x0f)));
        bls.verify{gas: CALL_GAS}(keys[1], "x", sig, Bls12381.SIGNATURE_DST);
    }

    function test_Aggregate_OneKeyIsItself() public view {
        Bls12381.G1Point[] memory keys = new Bls12381.G1Point[](1);
        keys[0] = Bls12381.g1Generator();
        vm.assertEq(_hash(bls.aggregateG1(keys)), _hash(keys[0]), "G1ADD path");
        vm.assertEq(_hash(bls.aggregateG1Checked(keys)), _hash(keys[0]), "G1MSM path");
    }
}

/// The compressed encodings of shared/crypto-vectors/bls/deserialization_G1 and _G2: every encoding that names a
/// curve point round-trips through compressG1/compressG2, and the library's subgroup checks agree with the expected
/// outcome (a point on the curve but outside G2 is refused).
contract Bls12381EncodingTest is Bls12381TestBase {
    function test_DeserializationG1_EveryVector() public view {
        DecodeG1Case[] memory cases = BlsVectors.decodeG1();
        vm.assertTrue(cases.length > 0, "no deserialization_G1 cases");
        for (uint256 i; i < cases.length; ++i) {
            DecodeG1Case memory c = cases[i];
            if (!c.decodes) {
                vm.assertFalse(c.expected, c.name);
                continue;
            }
            vm.assertEq(keccak256(bls.compressG1(c.point)), keccak256(c.encoding), c.name);
            bool inGroup = true;
            try bls.checkG1{gas: CALL_GAS}(c.point) {}
            catch (bytes memory reason) {
                _requireTypedError(reason, c.name);
                inGroup = false;
            }
            vm.assertEq(inGroup, c.expected, c.name);
        }
    }

    function test_DeserializationG2_EveryVector() public view {
        DecodeG2Case[] memory cases = BlsVectors.decodeG2();
        vm.assertTrue(cases.length > 0, "no deserialization_G2 cases");
        uint256 refusedByPrecompile;
        for (uint256 i; i < cases.length; ++i) {
            DecodeG2Case memory c = cases[i];
            if (!c.decodes) {
                vm.assertFalse(c.expected, c.name);
                continue;
            }
            vm.assertEq(keccak256(bls.compressG2(c.point)), keccak256(c.encoding), c.name);
            bool inGroup = true;
            try bls.checkG2{gas: CALL_GAS}(c.point) {}
            catch (bytes memory reason) {
                _requireTypedError(reason, c.name);
                inGroup = false;
                ++refusedByPrecompile;
            }
            vm.assertEq(inGroup, c.expected, c.name);
        }
        vm.assertTrue(refusedByPrecompile > 0, "the not-in-G2 case ran");
    }

    /// G2ADD does not check the subgroup: a point on the curve outside G2 is added without complaint, which is why
    /// keys and signatures must go through the pairing or an MSM before anything trusts them.
    function test_AddG2_DoesNotCheckTheSubgroup() public view {
        DecodeG2Case[] memory cases = BlsVectors.decodeG2();
        for (uint256 i; i < cases.length; ++i) {
            if (!cases[i].decodes || cases[i].expected) continue;
            Bls12381.G2Point memory zero;
            Bls12381.G2Point memory sum = bls.addG2(cases[i].point, zero);
            vm.assertEq(_hash(sum), _hash(cases[i].point), cases[i].name);
        }
    }
}

/// Gas of the library calls the claim contract will make (figures in the README).
contract Bls12381GasTest is Bls12381TestBase {
    function test_Gas_HashVerifyAggregate() public view {
        AggregateCase memory three;
        AggregateCase[] memory cases = BlsVectors.aggregate();
        for (uint256 i; i < cases.length; ++i) {
            if (keccak256(bytes(cases[i].name)) == keccak256("marketplace/receipt_3_keys")) three = cases[i];
        }
        vm.assertEq(three.pks.length, 3, "the three-key case");
        bytes32 receipt = bytes32(three.message);

        uint256 hashGas = bls.gasOfHashToG2(three.message);
        SignedCase[] memory signed = BlsVectors.signed();
        SignedCase memory single;
        for (uint256 i; i < signed.length; ++i) {
            if (keccak256(bytes(signed[i].name)) == keccak256("marketplace/receipt")) single = signed[i];
        }
        (bool ok1, uint256 verifyGas) = bls.gasOfVerifyReceipt(single.pk, receipt, single.sig);
        (bool ok3, uint256 aggregateGas) = bls.gasOfAggregateVerifyReceipt(three.pks, receipt, three.sig);
        uint256 keyGas = bls.gasOfValidatePublicKey(single.pk);
        vm.assertTrue(ok1 && ok3, "the signatures verify");

        console.log(string.concat("hashToG2 (32-byte message): ", vm.toString(hashGas), " gas"));
        console.log(string.concat("verify, one key: ", vm.toString(verifyGas), " gas"));
        console.log(string.concat("aggregateG1 + verify, three keys: ", vm.toString(aggregateGas), " gas"));
        console.log(string.concat("validatePublicKey: ", vm.toString(keyGas), " gas"));
        // Bounds well above the measured figures, to catch a regression (for example a precompile called per byte).
        vm.assertLt(hashGas, 60_000, "hashToG2 gas");
        vm.assertLt(verifyGas, 200_000, "verify gas");
        vm.assertLt(aggregateGas, 205_000, "aggregate verify gas");
    }
}
