// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {ReceiptBatch} from "../../src/ReceiptBatch.sol";

/// Builds a batch the way a worker does (RFC 9162 tree over receipt hashes, split at the largest power of two below
/// the count), so tests can sign any batch: the root and the audit path of one leaf.
library ReceiptTree {
    /// The root over `receiptHashes` and the audit path of leaf `index`, leaf to root.
    function build(bytes32[] memory receiptHashes, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory path)
    {
        root = _node(receiptHashes, 0, receiptHashes.length);
        bytes32[] memory topDown = new bytes32[](32);
        uint256 depth;
        uint256 start;
        uint256 count = receiptHashes.length;
        while (count > 1) {
            uint256 split = _split(count);
            if (index < start + split) {
                topDown[depth++] = _node(receiptHashes, start + split, count - split);
                count = split;
            } else {
                topDown[depth++] = _node(receiptHashes, start, split);
                start += split;
                count -= split;
            }
        }
        path = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) {
            path[i] = topDown[depth - 1 - i];
        }
    }

    /// The node over hashes[start .. start + count).
    function _node(bytes32[] memory hashes, uint256 start, uint256 count) private pure returns (bytes32) {
        if (count == 1) return ReceiptBatch.leafHash(hashes[start]);
        uint256 split = _split(count);
        return ReceiptBatch.nodeHash(_node(hashes, start, split), _node(hashes, start + split, count - split));
    }

    /// The largest power of two below `count` (count >= 2).
    function _split(uint256 count) private pure returns (uint256 split) {
        split = 1;
        while (split * 2 < count) split *= 2;
    }
}
