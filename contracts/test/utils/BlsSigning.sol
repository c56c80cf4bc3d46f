// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {Bls12381} from "../../src/Bls12381.sol";

/// BLS keys and signatures made in the test itself with the precompiles (sk·G1, sk·H(m)), so any receipt can be signed.
abstract contract BlsSigning {
    function _publicKey(uint256 secret) internal view returns (Bls12381.G1Point memory) {
        bytes memory output = _precompile(address(0x0c), abi.encode(Bls12381.g1Generator(), secret), 128);
        return abi.decode(output, (Bls12381.G1Point));
    }

    function _sign(uint256 secret, bytes memory message, bytes memory dst) internal view returns (Bls12381.G2Point memory) {
        bytes memory output = _precompile(address(0x0e), abi.encode(Bls12381.hashToG2(message, dst), secret), 256);
        return abi.decode(output, (Bls12381.G2Point));
    }

    function _signReceipt(uint256 secret, bytes32 receiptHash) internal view returns (Bls12381.G2Point memory) {
        return _sign(secret, abi.encodePacked(receiptHash), Bls12381.SIGNATURE_DST);
    }

    function _proofOfPossession(uint256 secret) internal view returns (Bls12381.G2Point memory) {
        return _sign(secret, Bls12381.compressG1(_publicKey(secret)), Bls12381.POP_DST);
    }

    function _precompile(address precompile, bytes memory input, uint256 size) private view returns (bytes memory output) {
        bool ok;
        (ok, output) = precompile.staticcall(input);
        require(ok && output.length == size, "precompile");
    }
}

