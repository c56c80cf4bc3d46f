// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

/// One job's settlement as the marketplace decides it: payees and amounts (executor first, then committee
/// members); an empty list refunds the job.
struct JobPayout {
    uint64 jobIndex;
    address client;
    address[] payees;
    uint256[] amounts;
}

/// Builds `Escrow.releaseBatch` calldata and the batch's Merkle tree the way an off-chain settlement would, written
/// apart from the contract so that tests compare two implementations.
library Payouts {
    /// The accounts table (first appearance order: client, then payees, job by job) and the entry words.
    function encode(JobPayout[] memory jobs) internal pure returns (address[] memory accounts, uint256[] memory entries) {
        uint256 maxAccounts;
        uint256 entryCount;
        for (uint256 j; j < jobs.length; ++j) {
            maxAccounts += 1 + jobs[j].payees.length;
            entryCount += 1 + jobs[j].payees.length;
        }
        address[] memory table = new address[](maxAccounts);
        uint256 used;
        entries = new uint256[](entryCount);
        uint256 e;
        for (uint256 j; j < jobs.length; ++j) {
            JobPayout memory job = jobs[j];
            uint256 clientSlot;
            (clientSlot, used) = slotOf(table, used, job.client);
            entries[e++] = uint256(job.jobIndex) | (clientSlot << 64) | (job.payees.length << 80);
            for (uint256 k; k < job.payees.length; ++k) {
                uint256 slot;
                (slot, used) = slotOf(table, used, job.payees[k]);
                entries[e++] = job.amounts[k] | (slot << 128);
            }
        }
        accounts = new address[](used);
        for (uint256 s; s < used; ++s) accounts[s] = table[s];
    }

    function slotOf(address[] memory table, uint256 used, address account) private pure returns (uint256, uint256) {
        for (uint256 s; s < used; ++s) {
            if (table[s] == account) return (s, used);
        }
        table[used] = account;
        return (used, used + 1);
    }

    /// The leaves in batch order: per job its lines, then the client's remainder when it is not 0.
    function leaves(JobPayout[] memory jobs, uint256[] memory escrows) internal pure returns (bytes32[] memory out) {
        uint256 n;
        for (uint256 j; j < jobs.length; ++j) n += jobs[j].payees.length + 1;
        out = new bytes32[](n);
        uint256 count;
        for (uint256 j; j < jobs.length; ++j) {
            uint256 paid;
            for (uint256 k; k < jobs[j].payees.length; ++k) {
                out[count++] = keccak256(abi.encode(uint256(jobs[j].jobIndex), jobs[j].payees[k], jobs[j].amounts[k]));
                paid += jobs[j].amounts[k];
            }
            if (escrows[j] > paid) {
                out[count++] = keccak256(abi.encode(uint256(jobs[j].jobIndex), jobs[j].client, escrows[j] - paid));
            }
        }
        assembly {
            mstore(out, count)
        }
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    /// Root: pair neighbours level by level; an odd last node moves up unchanged.
    function root(bytes32[] memory leaves_) internal pure returns (bytes32) {
        bytes32[] memory level = leaves_;
        while (level.length > 1) {
            bytes32[] memory next = new bytes32[]((level.length + 1) / 2);
            for (uint256 i; i < level.length / 2; ++i) next[i] = hashPair(level[2 * i], level[2 * i + 1]);
            if (level.length % 2 == 1) next[next.length - 1] = level[level.length - 1];
            level = next;
        }
        return level[0];
    }

    /// The sibling hashes from leaf `index` up to the root (levels where the node has no sibling add nothing).
    function proof(bytes32[] memory leaves_, uint256 index) internal pure returns (bytes32[] memory path) {
        path = new bytes32[](256);
        uint256 depth;
        bytes32[] memory level = leaves_;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) path[depth++] = level[sibling];
            bytes32[] memory next = new bytes32[]((level.length + 1) / 2);
            for (uint256 i; i < level.length / 2; ++i) next[i] = hashPair(level[2 * i], level[2 * i + 1]);
            if (level.length % 2 == 1) next[next.length - 1] = level[level.length - 1];
            level = next;
            index /= 2;
        }
        assembly {
            mstore(path, depth)
        }
    }
}
