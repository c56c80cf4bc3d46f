// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Bls12381} from "./Bls12381.sol";
import {Escrow} from "./Escrow.sol";
import {ReceiptBatch} from "./ReceiptBatch.sol";
import {ReceiptCodec} from "./ReceiptCodec.sol";
import {Staking} from "./Staking.sol";
import {WorkerKeyRegistry} from "./WorkerKeyRegistry.sol";

/// @title ReceiptRelease
/// @notice Releases a job's escrow on proof instead of the settlement key's word: anyone presents the job's receipt
/// with an aggregate BLS signature of at least the job's threshold of registered, staked, unbanned workers (the
/// executor among them) over its receipt hash, and the executor is paid the receipt's fuel at the job's agreed price,
/// the rest of the escrow credited back to the client. The client states the price and the threshold once, for its own
/// open job (`setTerms`). A job whose threshold is 1 may also be released on its executor's batch signature
/// (`releaseByBatchProof`): the receipt's inclusion proof in a batch the executor signed once (`ReceiptBatch`). A job is
/// released once, whichever path releases it: the settlement key's batches stay the cheap path, this one is the
/// client's and the worker's guarantee.
/// @dev Holds `SETTLER_ROLE` on the Escrow and calls `Escrow.release`, which refuses a job that is not open. Keys come
/// from the Staking contract's registry, each registered with its proof of possession, so a plain sum of the signers'
/// keys is a safe aggregate.
contract ReceiptRelease {
    /// @notice The most signers a job may require.
    uint8 public constant MAX_THRESHOLD = 16;

    /// @notice keccak-256 of `marketplace/job-terms/v1`, the domain tag of terms a client signs off chain.
    bytes32 public constant TERMS_TAG = keccak256("marketplace/job-terms/v1");

    /// A job's agreed terms: the price per million fuel units in price units (so per fuel unit in the token's smallest
    /// unit, a millionth of a price unit), how many workers must sign its receipt, and the percent of the charge its
    /// committee (the signers other than the executor) shares.
    struct Terms {
        uint128 pricePerMillionFuel;
        uint8 threshold;
        uint8 committeeFeePercent;
    }

    /// @notice The Escrow whose jobs this contract releases.
    Escrow public immutable escrow;

    /// @notice The Staking contract whose registered keys sign receipts.
    Staking public immutable staking;

    /// @notice Each job's terms (threshold 0: none stated).
    mapping(bytes32 jobId => Terms) public termsOf;

    /// @notice The client of `jobId` stated its terms.
    event TermsSet(bytes32 indexed jobId, uint128 pricePerMillionFuel, uint8 threshold, uint8 committeeFeePercent);

    /// @notice `jobId` was released on the receipt `receiptHash`, signed by `signers` workers: `amount` charged,
    /// `committeeFee` of it shared by the signers other than `executor`, the rest to `executor`.
    event ReleasedByProof(
        bytes32 indexed jobId,
        bytes32 indexed receiptHash,
        address indexed executor,
        uint256 amount,
        uint256 signers,
        uint256 committeeFee
    );

    /// @notice The caller is not the job's client (or the job has no escrow).
    error NotTheClient(bytes32 jobId, address client);
    /// @notice The job is not open (never deposited, or already released or refunded).
    error JobNotOpen(bytes32 jobId);
    /// @notice The job's terms were stated already.
    error TermsAlreadySet(bytes32 jobId);
    /// @notice A threshold of 0 or above `MAX_THRESHOLD`.
    error ThresholdOutOfRange(uint8 threshold);
    /// @notice No terms were stated for the job.
    error NoTerms(bytes32 jobId);
    /// @notice The receipt is another job's: keccak-256 of its job id is `receiptJobId`.
    error WrongJob(bytes32 jobId, bytes32 receiptJobId);
    /// @notice Fewer signers than the job's threshold.
    error TooFewSigners(uint256 signers, uint8 threshold);
    /// @notice Signers must be given in strictly ascending order of their worker id hashes (so each counts once).
    error SignersNotAscending(uint256 position);
    /// @notice A signer that is not registered, is banned, or has less than the minimum stake.
    error SignerNotEligible(bytes32 workerIdHash);
    /// @notice The receipt's worker is not among the signers.
    error ExecutorNotSigner(bytes32 workerIdHash);
    /// @notice The aggregate signature does not verify over the receipt hash under the signers' keys.
    error InvalidAggregateSignature(bytes32 receiptHash);
    /// @notice The executor's signature does not verify over the signing hash of the batch the proof leads to (the
    /// executor did not sign that batch: another sequence number or size, or another worker's signature).
    error InvalidBatchSignature(bytes32 receiptHash, bytes32 signingHash);
    /// @notice The receipt's fuel at the job's price comes to nothing.
    error NothingEarned(bytes32 jobId);
    /// @notice A committee fee above 100 percent.
    error FeeOutOfRange(uint8 committeeFeePercent);
    /// @notice Signed terms whose signature is malformed or recovers to `signer`, not the job's client.
    error BadTermsSignature(bytes32 jobId, address signer, address client);

    /// @param escrow_ The Escrow (this contract needs its `SETTLER_ROLE`).
    /// @param staking_ The Staking contract with the worker key registry.
    constructor(Escrow escrow_, Staking staking_) {
        escrow = escrow_;
        staking = staking_;
    }

    /// @notice States the terms of the caller's open job, once: the price per million fuel units, the signers its
    /// receipt needs (1 to `MAX_THRESHOLD`, the executor included) and the committee's percent of the charge (0-100).
    function setTerms(bytes32 jobId, uint128 pricePerMillionFuel, uint8 threshold, uint8 committeeFeePercent)
        external
    {
        _checkTerms(threshold, committeeFeePercent);
        (, address client,,, Escrow.JobState state) = escrow.jobOf(jobId);
        if (client != msg.sender) revert NotTheClient(jobId, client);
        if (state != Escrow.JobState.Open) revert JobNotOpen(jobId);
        _store(jobId, Terms(pricePerMillionFuel, threshold, committeeFeePercent));
    }

    /// @notice States a job's terms on the client's behalf, once: anyone presents the terms with the client's
    /// signature (EIP-191 personal sign of `termsDigest`), so a client who signed them off chain (or the marketplace
    /// signing for its custodial client account) need not send a transaction for them. Same checks as `setTerms`,
    /// the client proven by the signature instead of the sender.
    function setTermsWithSignature(
        bytes32 jobId,
        uint128 pricePerMillionFuel,
        uint8 threshold,
        uint8 committeeFeePercent,
        bytes calldata signature
    ) external {
        _checkTerms(threshold, committeeFeePercent);
        (, address client,,, Escrow.JobState state) = escrow.jobOf(jobId);
        if (state != Escrow.JobState.Open) revert JobNotOpen(jobId);
        bytes32 signed = MessageHashUtils.toEthSignedMessageHash(
            termsDigest(jobId, pricePerMillionFuel, threshold, committeeFeePercent)
        );
        (address signer, ECDSA.RecoverError recovered,) = ECDSA.tryRecover(signed, signature);
        if (recovered != ECDSA.RecoverError.NoError || signer != client) revert BadTermsSignature(jobId, signer, client);
        _store(jobId, Terms(pricePerMillionFuel, threshold, committeeFeePercent));
    }

    /// @notice What a client signs to state a job's terms off chain: keccak-256 of the ABI encoding of `TERMS_TAG`,
    /// the chain id, this contract's address, the job id, the price per million fuel, the threshold and the committee
    /// fee percent, so a signature counts for one job on one deployment only.
    function termsDigest(bytes32 jobId, uint128 pricePerMillionFuel, uint8 threshold, uint8 committeeFeePercent)
        public
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                TERMS_TAG, block.chainid, address(this), jobId, pricePerMillionFuel, threshold, committeeFeePercent
            )
        );
    }

    function _checkTerms(uint8 threshold, uint8 committeeFeePercent) private pure {
        if (threshold == 0 || threshold > MAX_THRESHOLD) revert ThresholdOutOfRange(threshold);
        if (committeeFeePercent > 100) revert FeeOutOfRange(committeeFeePercent);
    }

    function _store(bytes32 jobId, Terms memory terms) private {
        if (termsOf[jobId].threshold != 0) revert TermsAlreadySet(jobId);
        termsOf[jobId] = terms;
        emit TermsSet(jobId, terms.pricePerMillionFuel, terms.threshold, terms.committeeFeePercent);
    }

    /// @notice Releases `jobId` on `receipt`, signed by the workers `signerIds` (keccak-256 of their worker ids,
    /// strictly ascending, the receipt's worker among them) with `aggregateSignature` (the sum of their signatures
    /// over the receipt hash). Charges `fuel × price` in the token's smallest unit, at most the escrow: the committee
    /// (the signers other than the receipt's worker) shares the terms' percent of it evenly, the units left over and
    /// the rest go to the receipt's worker, as the marketplace splits a payout; the rest of the escrow is credited to
    /// the client. Callable by anyone.
    /// @return paid The amount charged (the executor's and the committee's together).
    function releaseByProof(
        bytes32 jobId,
        ReceiptCodec.ExecutionReceipt calldata receipt,
        bytes32[] calldata signerIds,
        Bls12381.G2Point calldata aggregateSignature
    ) external returns (uint256 paid) {
        (Terms memory terms, uint256 escrowed) = _openJob(jobId, receipt);
        if (signerIds.length < terms.threshold) revert TooFewSigners(signerIds.length, terms.threshold);

        bytes32 receiptHash = ReceiptCodec.hash(receipt);
        address[] memory payees =
            _checkSigners(keccak256(bytes(receipt.workerId)), signerIds, receiptHash, aggregateSignature);
        paid = _earned(jobId, receipt.fuelConsumed, terms, escrowed);
        _pay(jobId, receiptHash, payees, paid, terms.committeeFeePercent);
    }

    /// @notice Releases `jobId` on `receipt` signed by its executor alone in a batch: `batch` is the receipt's inclusion
    /// proof (sequence, size, leaf index, root and audit path, as the receipt file's `batch` member carries them) and
    /// `signature` the executor's signature over the batch's signing hash (`ReceiptBatch.signingHash`). Only for a job
    /// whose threshold is 1, and only when the executor's registered key is eligible (registered, staked, not banned).
    /// Pays as `releaseByProof` does, once. Callable by anyone.
    /// @dev Reverts with `NoTerms`, `WrongJob`, `JobNotOpen`, `TooFewSigners(1, threshold)`, `SignerNotEligible`,
    /// `ReceiptBatch.MalformedBatchProof`, `ReceiptBatch.BadBatchProof`, `InvalidBatchSignature` or `NothingEarned`.
    /// @return paid The amount credited to the executor.
    function releaseByBatchProof(
        bytes32 jobId,
        ReceiptCodec.ExecutionReceipt calldata receipt,
        ReceiptBatch.Proof calldata batch,
        Bls12381.G2Point calldata signature
    ) external returns (uint256 paid) {
        (Terms memory terms, uint256 escrowed) = _openJob(jobId, receipt);
        if (terms.threshold > 1) revert TooFewSigners(1, terms.threshold);

        bytes32 executorId = keccak256(bytes(receipt.workerId));
        if (!staking.isEligible(executorId)) revert SignerNotEligible(executorId);
        WorkerKeyRegistry.WorkerKey memory entry = staking.workerKey(executorId);
        bytes32 receiptHash = ReceiptCodec.hash(receipt);
        bytes32 signingHash = ReceiptBatch.signedMessage(receiptHash, batch);
        if (!Bls12381.verify(entry.publicKey, signingHash, signature)) {
            revert InvalidBatchSignature(receiptHash, signingHash);
        }

        paid = _earned(jobId, receipt.fuelConsumed, terms, escrowed);
        address[] memory payees = new address[](1);
        payees[0] = entry.worker;
        _pay(jobId, receiptHash, payees, paid, 0);
    }

    /// The terms and escrow of `jobId`, which must have terms, be open and be the receipt's job.
    function _openJob(bytes32 jobId, ReceiptCodec.ExecutionReceipt calldata receipt)
        private
        view
        returns (Terms memory terms, uint256 escrowed)
    {
        terms = termsOf[jobId];
        if (terms.threshold == 0) revert NoTerms(jobId);
        bytes32 receiptJobId = keccak256(bytes(receipt.jobId));
        if (receiptJobId != jobId) revert WrongJob(jobId, receiptJobId);
        Escrow.JobState state;
        (,, escrowed,, state) = escrow.jobOf(jobId);
        if (state != Escrow.JobState.Open) revert JobNotOpen(jobId);
    }

    /// The fuel at the job's price, at most the escrow; reverts with `NothingEarned` when that is nothing.
    function _earned(bytes32 jobId, uint64 fuelConsumed, Terms memory terms, uint256 escrowed)
        private
        pure
        returns (uint256 paid)
    {
        // A price per million fuel units in price units is a price per fuel unit in the token's smallest unit (a
        // millionth of a price unit), as the marketplace charges: fuel × price, below 2^192.
        paid = uint256(fuelConsumed) * terms.pricePerMillionFuel;
        if (paid > escrowed) paid = escrowed;
        if (paid == 0) revert NothingEarned(jobId);
    }

    /// Splits `paid` between the executor (`signers[0]`) and the committee (the other signers): `feePercent` of it
    /// (rounded down as the marketplace rounds) shared evenly, the units left over to the executor; lines of 0 left
    /// out. The rest of the escrow goes to the client. Emits `ReleasedByProof`.
    function _pay(bytes32 jobId, bytes32 receiptHash, address[] memory signers, uint256 paid, uint8 feePercent)
        private
    {
        uint256 members = signers.length - 1;
        uint256 each = members == 0 ? 0 : ((paid / 100) * feePercent + ((paid % 100) * feePercent) / 100) / members;
        uint256 lines = each == 0 ? 1 : signers.length;
        address[] memory payees = new address[](lines);
        uint256[] memory amounts = new uint256[](lines);
        payees[0] = signers[0];
        amounts[0] = paid - each * members;
        for (uint256 i = 1; i < lines; ++i) {
            payees[i] = signers[i];
            amounts[i] = each;
        }

        emit ReleasedByProof(jobId, receiptHash, signers[0], paid, signers.length, each * members);
        escrow.release(jobId, payees, amounts);
    }

    /// Checks the signers (ascending, eligible, the executor among them) and the aggregate signature; returns their
    /// payee addresses, the executor's first, then the others in the order given.
    function _checkSigners(
        bytes32 executorId,
        bytes32[] calldata signerIds,
        bytes32 receiptHash,
        Bls12381.G2Point calldata aggregateSignature
    ) private view returns (address[] memory payees) {
        Bls12381.G1Point[] memory keys = new Bls12381.G1Point[](signerIds.length);
        payees = new address[](signerIds.length);
        uint256 next = 1;
        for (uint256 i; i < signerIds.length; ++i) {
            bytes32 id = signerIds[i];
            if (i != 0 && id <= signerIds[i - 1]) revert SignersNotAscending(i);
            if (!staking.isEligible(id)) revert SignerNotEligible(id);
            WorkerKeyRegistry.WorkerKey memory entry = staking.workerKey(id);
            keys[i] = entry.publicKey;
            if (id == executorId) {
                payees[0] = entry.worker;
            } else if (next < payees.length) {
                payees[next++] = entry.worker;
            }
        }

        if (payees[0] == address(0)) revert ExecutorNotSigner(executorId);
        if (!Bls12381.verify(Bls12381.aggregateG1(keys), receiptHash, aggregateSignature)) {
            revert InvalidAggregateSignature(receiptHash);
        }
    }
}
