// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

/// @title ReceiptCodec
/// @notice The marketplace's execution receipt (version 1) as the chain sees it: its canonical encoding, the receipt
/// hash a worker BLS-signs (SHA-256 of the encoding) and the result digest that tells two results of one job apart.
/// The byte layout is the table in grain-interfaces/Receipts/README.md: a 32-byte domain tag, then every field in a
/// fixed order, integers big-endian, hashes as 32 raw bytes, strings as a 2-byte length (1-256) and their UTF-8
/// bytes. A receipt whose fields have no canonical encoding is refused with `InvalidReceiptField`, so no two receipts
/// share an encoding.
library ReceiptCodec {
    /// @notice A receipt's fields, in the order they are encoded.
    struct ExecutionReceipt {
        string jobId;
        uint32 attempt;
        string programId;
        bytes32 wasmHash;
        uint8 abiKind;
        bytes32 inputHash;
        bytes32 invocationHash;
        bytes32 stateRootIn;
        uint8 outcome;
        bytes32 outputHash;
        uint64 fuelConsumed;
        bytes32 stateRootOut;
        string engineName;
        string engineVersion;
        bytes32 engineConfigDigest;
        string workerId;
        uint64 timestampMs;
    }

    /// @notice The longest string field, in UTF-8 bytes.
    uint256 internal constant MAX_STRING_BYTES = 256;

    /// @notice A field with no canonical encoding: a string of 0 or more than 256 bytes, attempt 0 or above 2^31 - 1,
    /// an ABI other than 1 (onvm) or 2 (wasi), an outcome outside 1-4, or fuel above 2^63 - 1.
    error InvalidReceiptField(string field);

    /// @notice The canonical bytes of `r`.
    function encode(ExecutionReceipt memory r) internal pure returns (bytes memory) {
        _validate(r);
        bytes memory head = abi.encodePacked(
            "marketplace/execution-receipt/v1", _str(r.jobId), r.attempt, _str(r.programId), r.wasmHash, r.abiKind
        );
        return abi.encodePacked(head, _run(r), _str(r.workerId), r.timestampMs);
    }

    /// @notice The receipt hash: SHA-256 of `encode(r)`, the 32 bytes a worker signs.
    function hash(ExecutionReceipt memory r) internal pure returns (bytes32) {
        return sha256(encode(r));
    }

    /// @notice What the run computed without who ran it or when: SHA-256 of the result tag
    /// (`marketplace/execution-result/v1` and a zero byte), then job id, program id, wasm hash, ABI and the run's
    /// fields from the input hash to the engine configuration digest, encoded as in `encode`. Two receipts of one job
    /// with different digests disagree on its result.
    function resultDigest(ExecutionReceipt memory r) internal pure returns (bytes32) {
        _validate(r);
        bytes memory head = abi.encodePacked(
            "marketplace/execution-result/v1\x00", _str(r.jobId), _str(r.programId), r.wasmHash, r.abiKind
        );
        return sha256(abi.encodePacked(head, _run(r)));
    }

    /// The fields from the input hash to the engine configuration digest, as both encodings have them.
    function _run(ExecutionReceipt memory r) private pure returns (bytes memory) {
        bytes memory io = abi.encodePacked(r.inputHash, r.invocationHash, r.stateRootIn, r.outcome, r.outputHash);
        return abi.encodePacked(
            io, r.fuelConsumed, r.stateRootOut, _str(r.engineName), _str(r.engineVersion), r.engineConfigDigest
        );
    }

    function _str(string memory value) private pure returns (bytes memory) {
        return abi.encodePacked(uint16(bytes(value).length), value);
    }

    function _validate(ExecutionReceipt memory r) private pure {
        _checkString(r.jobId, "job_id");
        _checkString(r.programId, "program_id");
        _checkString(r.engineName, "engine_name");
        _checkString(r.engineVersion, "engine_version");
        _checkString(r.workerId, "worker_id");
        if (r.attempt == 0 || r.attempt > type(uint32).max >> 1) revert InvalidReceiptField("attempt");
        if (r.abiKind != 1 && r.abiKind != 2) revert InvalidReceiptField("abi");
        if (r.outcome == 0 || r.outcome > 4) revert InvalidReceiptField("outcome");
        if (r.fuelConsumed > type(uint64).max >> 1) revert InvalidReceiptField("fuel_consumed");
    }

    function _checkString(string memory value, string memory field) private pure {
        uint256 length = bytes(value).length;
        if (length == 0 || length > MAX_STRING_BYTES) revert InvalidReceiptField(field);
    }
}
