// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

/// @title Batch-signed receipts
/// @notice A worker signs its receipts in batches: an RFC 9162 Merkle tree over the receipt hashes (leaf =
/// SHA-256(0x00 ‖ receipt hash), node = SHA-256(0x01 ‖ left ‖ right), n leaves split at the largest power of two
/// below n) and one BLS signature over SHA-256(ASCII `marketplace/receipt-batch/v1` ‖ u64 sequence ‖ u32 size ‖ root).
/// This library follows a receipt's inclusion proof to the root and gives the message its signature is over, as the
/// marketplace does (grain-interfaces/Receipts: `ReceiptBatch`, `BatchInclusion`).
library ReceiptBatch {
    /// @notice Where a receipt sits in its batch (as a receipt file's `batch` member names it).
    struct Proof {
        /// The worker's batch sequence number, from 1 to 2^63 - 1.
        uint64 sequence;
        /// How many receipts the batch holds, 2 to `MAX_SIZE`.
        uint32 size;
        /// The receipt's leaf index, below `size`.
        uint32 index;
        /// The batch's Merkle root.
        bytes32 root;
        /// The sibling hashes from the leaf up to the root.
        bytes32[] path;
    }

    /// @notice The proof's numbers do not describe a batch (sequence 0 or above 2^63 - 1, size outside 2 to
    /// `MAX_SIZE`, index not below size) or its path has the wrong length for its index and size.
    error MalformedBatchProof();
    /// @notice The path leads from the receipt to another root than the proof names.
    /// @param computed The root the path leads to.
    /// @param root The proof's root.
    error BadBatchProof(bytes32 computed, bytes32 root);

    /// @notice The largest batch a proof may describe.
    uint256 internal constant MAX_SIZE = 4096;

    /// @notice ASCII `marketplace/receipt-batch/v1` (28 bytes).
    bytes28 internal constant SIGNING_TAG = "marketplace/receipt-batch/v1";

    /// @notice The message the worker's signature is over: the batch's signing hash once the path led from
    /// `receiptHash` to `proof.root`.
    /// @dev Reverts with `MalformedBatchProof` or `BadBatchProof`.
    /// @param receiptHash The receipt's hash.
    /// @param proof Its inclusion proof.
    /// @return message `signingHash(proof.sequence, proof.size, proof.root)`.
    function signedMessage(bytes32 receiptHash, Proof calldata proof) internal pure returns (bytes32 message) {
        if (proof.sequence == 0 || proof.sequence > uint64(type(int64).max) || proof.size < 2 || proof.size > MAX_SIZE)
        {
            revert MalformedBatchProof();
        }
        (bool fits, bytes32 computed) = rootFromPath(receiptHash, proof.index, proof.size, proof.path);
        if (!fits) revert MalformedBatchProof();
        if (computed != proof.root) revert BadBatchProof(computed, proof.root);
        return signingHash(proof.sequence, proof.size, proof.root);
    }

    /// @notice The root that `receiptHash` at leaf `index` of a tree of `size` leaves leads to along `path` (RFC 9162
    /// section 2.1.3.2); `fits` is false when the path's length does not fit the index and size.
    /// @param receiptHash The receipt's hash.
    /// @param index The leaf index.
    /// @param size The number of leaves.
    /// @param path The sibling hashes, leaf to root.
    /// @return fits Whether the path has the shape of an inclusion proof of that leaf.
    /// @return root The root computed.
    function rootFromPath(bytes32 receiptHash, uint256 index, uint256 size, bytes32[] calldata path)
        internal
        pure
        returns (bool fits, bytes32 root)
    {
        if (size == 0 || index >= size) return (false, bytes32(0));
        bytes32 node = leafHash(receiptHash);
        uint256 fn = index;
        uint256 sn = size - 1;
        for (uint256 i; i < path.length; ++i) {
            if (sn == 0) return (false, bytes32(0));
            if (fn & 1 == 1 || fn == sn) {
                node = nodeHash(path[i], node);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                node = nodeHash(node, path[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return (sn == 0, node);
    }

    /// @notice A receipt's leaf: SHA-256(0x00 ‖ receipt hash).
    /// @param receiptHash The receipt's hash.
    /// @return leaf The leaf hash.
    function leafHash(bytes32 receiptHash) internal pure returns (bytes32 leaf) {
        return sha256(abi.encodePacked(bytes1(0x00), receiptHash));
    }

    /// @notice An inner node: SHA-256(0x01 ‖ left ‖ right).
    /// @param left The left child.
    /// @param right The right child.
    /// @return node The node hash.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32 node) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// @notice What a worker signs for a batch: SHA-256(`SIGNING_TAG` ‖ u64 sequence ‖ u32 size ‖ root), big-endian.
    /// @param sequence The batch's sequence number.
    /// @param size The number of receipts in it.
    /// @param root Its Merkle root.
    /// @return message The signing hash.
    function signingHash(uint64 sequence, uint32 size, bytes32 root) internal pure returns (bytes32 message) {
        return sha256(abi.encodePacked(SIGNING_TAG, sequence, size, root));
    }
}
