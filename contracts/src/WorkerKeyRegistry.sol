// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {Bls12381} from "./Bls12381.sol";

/// @title WorkerKeyRegistry
/// @notice Workers' BLS12-381 public keys, each bound to one worker id (the `worker_id` its receipts name) and to the
/// address that registered it, with its proof of possession checked here on the EIP-2537 precompiles. The registry's
/// epoch moves with every change of the set (a key registered, a key banned), so a receipt's `registry_epoch` can be
/// cited against the chain. A key is never replaced or removed: a worker id keeps its key for life, as it does off
/// chain, and a banned key stays banned.
/// @dev Keys are stored uncompressed in the EIP-2537 layout (what aggregation on chain needs); `keyHash` is the
/// keccak-256 of the 48-byte compressed encoding the marketplace uses everywhere else (`GET /v1/workers/registry`).
abstract contract WorkerKeyRegistry {
    /// @notice The longest worker id, in UTF-8 bytes (as in the marketplace's receipts).
    uint256 public constant MAX_WORKER_ID_BYTES = 256;

    /// A registered key: its point, the registering address, the epoch it joined at, and whether it is banned.
    struct WorkerKey {
        Bls12381.G1Point publicKey;
        address worker;
        uint64 registeredAt;
        bool banned;
    }

    /// @notice The registry's epoch: 0 while empty, one more for every key registered or banned.
    uint64 public registryEpoch;

    mapping(bytes32 workerIdHash => WorkerKey) private _keys;

    /// @notice The worker id hash each compressed key's hash was registered under (zero: unused).
    mapping(bytes32 keyHash => bytes32 workerIdHash) public keyOwner;

    /// @notice The worker id hash each address registered (zero: none). One worker id per address.
    mapping(address worker => bytes32 workerIdHash) public workerIdOf;

    /// @notice `worker` registered `publicKey` (compressed) under `workerId` at `epoch`.
    event KeyRegistered(
        bytes32 indexed workerIdHash, address indexed worker, bytes32 indexed keyHash, string workerId, bytes publicKey, uint64 epoch
    );

    /// @notice The key of `workerIdHash` is banned from `epoch` on, for the evidence `evidenceHash`.
    event KeyBanned(bytes32 indexed workerIdHash, bytes32 indexed evidenceHash, uint64 epoch);

    /// @notice A worker id of 0 or more than `MAX_WORKER_ID_BYTES` bytes.
    error InvalidWorkerId(uint256 length);
    /// @notice The worker id already has a key.
    error WorkerIdTaken(bytes32 workerIdHash, address worker);
    /// @notice The caller already registered a worker id.
    error AddressHasWorkerId(address worker, bytes32 workerIdHash);
    /// @notice The key is registered under another worker id.
    error KeyTaken(bytes32 keyHash, bytes32 workerIdHash);
    /// @notice The proof of possession does not verify under the key.
    error InvalidProofOfPossession(bytes32 keyHash);
    /// @notice No key is registered under the worker id.
    error UnknownWorker(bytes32 workerIdHash);

    /// @notice Registers the caller's BLS public key (uncompressed, a point of G1 other than infinity) under
    /// `workerId`, after checking `proof`, its proof of possession (a BLS signature of the key's compressed encoding
    /// under the POP ciphersuite's DST). Moves the epoch.
    /// @return epoch The registry's epoch after the registration.
    function registerKey(string calldata workerId, Bls12381.G1Point calldata publicKey, Bls12381.G2Point calldata proof)
        external
        returns (uint64 epoch)
    {
        uint256 length = bytes(workerId).length;
        if (length == 0 || length > MAX_WORKER_ID_BYTES) revert InvalidWorkerId(length);
        bytes32 idHash = keccak256(bytes(workerId));
        WorkerKey storage entry = _keys[idHash];
        if (entry.worker != address(0)) revert WorkerIdTaken(idHash, entry.worker);
        bytes32 existing = workerIdOf[msg.sender];
        if (existing != bytes32(0)) revert AddressHasWorkerId(msg.sender, existing);

        // Reverts with the library's error for a point off the curve, outside G1 or at infinity.
        Bls12381.validatePublicKey(publicKey);
        bytes memory compressed = Bls12381.compressG1(publicKey);
        bytes32 keyHash = keccak256(compressed);
        bytes32 owner = keyOwner[keyHash];
        if (owner != bytes32(0)) revert KeyTaken(keyHash, owner);
        if (!Bls12381.verifyProofOfPossession(publicKey, proof)) revert InvalidProofOfPossession(keyHash);

        epoch = ++registryEpoch;
        entry.publicKey = publicKey;
        entry.worker = msg.sender;
        entry.registeredAt = epoch;
        keyOwner[keyHash] = idHash;
        workerIdOf[msg.sender] = idHash;
        emit KeyRegistered(idHash, msg.sender, keyHash, workerId, compressed, epoch);
    }

    /// @notice The key registered under `workerIdHash` (keccak-256 of the UTF-8 worker id): its point, the address
    /// that registered it (the payee of payments by proof), the epoch it joined at and whether it is banned. Reverts
    /// with `UnknownWorker` when none is.
    function workerKey(bytes32 workerIdHash) public view returns (WorkerKey memory) {
        WorkerKey storage entry = _keys[workerIdHash];
        if (entry.worker == address(0)) revert UnknownWorker(workerIdHash);
        return entry;
    }

    /// @notice The address that registered a key under `workerIdHash` (zero: none), without reverting.
    function workerOf(bytes32 workerIdHash) external view returns (address) {
        return _keys[workerIdHash].worker;
    }

    /// @notice The entry of `workerIdHash`, empty (worker zero) when none is registered.
    function _entryOf(bytes32 workerIdHash) internal view returns (WorkerKey storage) {
        return _keys[workerIdHash];
    }

    /// @notice Bans the key of `worker`'s worker id, if it registered one and it is not banned yet; moves the epoch.
    function _banKeyOf(address worker, bytes32 evidenceHash) internal {
        bytes32 idHash = workerIdOf[worker];
        if (idHash == bytes32(0)) return;
        WorkerKey storage entry = _keys[idHash];
        if (entry.banned) return;
        entry.banned = true;
        uint64 epoch = ++registryEpoch;
        emit KeyBanned(idHash, evidenceHash, epoch);
    }
}
