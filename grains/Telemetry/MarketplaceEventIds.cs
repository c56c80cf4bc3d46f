namespace Marketplace.Grains;

/// <summary>
/// Every log event id of the marketplace, in one table so two subsystems never share an id. Ranges: blobs 5100-5199,
/// workers 5200-5299, jobs 5300-5399, programs 5400-5499, execution 5600-5699, the ledger 5700-5749, the chain settlement 5750-5799, reputation 5800-5899, the silo and its
/// HTTP API 6000-6099, telemetry 5900-5999; the storage libraries keep their own ranges (persistence/Sqlite
/// 7100-7199, persistence/PostgreSql 7200-7299).
/// </summary>
internal static class MarketplaceEventIds
{
    public const int ChunkStoreOpened = 5100;
    public const int ChunkRepaired = 5101;
    public const int ChunkIntegrityFailure = 5102;
    public const int ChunkStoreIoFailed = 5103;
    public const int UploadAborted = 5104;
    public const int BlobRegistered = 5105;
    public const int UploadLostAtDeactivation = 5106;
    public const int BlobShared = 5107;
    public const int BlobUnshared = 5108;
    public const int BlobPublicChanged = 5109;
    public const int BlobOwnerLeft = 5110;
    public const int BlobCleared = 5111;
    public const int StorageChargeUndoFailed = 5112;
    public const int StorageQuotaRefused = 5113;
    public const int ChunksCollected = 5114;
    public const int ChunkReferencesNotRemoved = 5115;

    public const int AttemptFailed = 5200;
    public const int LeaseRenewalFailed = 5201;
    public const int AttemptReportFailed = 5202;
    public const int NoProgramRunner = 5203;
    public const int HeartbeatFailed = 5204;
    public const int DoubleSignRefused = 5205;
    public const int WorkerStopIncomplete = 5206;
    public const int WorkerLeaveFailed = 5207;

    /// <summary>A starting silo's call to register its workers went unanswered (a busy or changing cluster); it is
    /// tried again until the start is cancelled.</summary>
    public const int WorkerRegistrationRetried = 5208;

    /// <summary>A job told that room opened on a worker did not answer; the next waiting job is told instead.</summary>
    public const int RoomWakeFailed = 5209;

    /// <summary>A stopping worker's sent reports were not all answered by the shutdown deadline.</summary>
    public const int WorkerReportsUnanswered = 5210;

    /// <summary>A starting silo registered its workers; says how long the registration took.</summary>
    public const int WorkersRegistered = 5211;

    /// <summary>A starting silo's worker was refused by the cluster (not a busy one): the start ends.</summary>
    public const int WorkerRegistrationRefused = 5212;

    public const int ReservationsLapsed = 5300;
    public const int OrphanedJobsResumed = 5301;
    public const int OrphanedJobSweepFailed = 5302;

    /// <summary>A client's list found jobs it listed as unfinished that had ended without telling it.</summary>
    public const int ClientListChecked = 5303;

    /// <summary>A job moved between two phases its lifecycle table does not list (grains/Jobs/JobLifecycle.cs); the
    /// move was made, so no job is stranded, but it is a defect to report.</summary>
    public const int JobTransitionUnlisted = 5304;

    public const int CatalogMigrationStarted = 5400;
    public const int CatalogMigrationFinished = 5401;
    public const int CatalogMigrationRetry = 5402;
    public const int ProgramNameDelegation = 5403;

    public const int ModuleCompiled = 5600;
    public const int ModuleCompileTooSlow = 5601;
    public const int ModuleDiskCacheUnusable = 5602;
    public const int ModuleDiskCacheEntryMismatch = 5603;
    public const int HostFunctionFailed = 5610;
    public const int StateChangesMismatch = 5611;

    public const int LedgerWriteFailed = 5700;
    public const int LedgerSlashed = 5701;
    public const int LedgerJournalCompacted = 5702;

    public const int ChainSettlementWriteFailed = 5750;
    public const int ChainTransactionDropped = 5751;
    public const int ChainBatchSent = 5752;
    public const int ChainBatchConfirmed = 5753;
    public const int ChainBatchNotApplied = 5754;
    public const int ChainBatchFailed = 5755;
    public const int ChainBatchRootMismatch = 5756;
    public const int ChainSettlementDiverged = 5757;
    public const int ChainRefundedOnChain = 5758;
    public const int ChainSlashed = 5759;
    public const int ChainEventScanFailed = 5760;
    public const int ChainTransactionUnmined = 5761;
    public const int ChainTransactionReplaced = 5762;
    public const int ChainDeploymentUnchecked = 5763;
    public const int ChainTransactionUnderpriced = 5764;
    public const int ChainSettledJobsNotMoved = 5765;
    public const int ChainJournalPageNotRemoved = 5766;
    public const int ChainWorkerKeyNotRegistered = 5767;

    public const int ReputationWriteFailed = 5800;
    public const int ReputationBanned = 5801;
    public const int ReputationEventTooOld = 5802;
    public const int ReputationNotRecorded = 5803;
    public const int ReputationRefreshFailed = 5804;
    public const int ReputationPageMissing = 5805;
    public const int ReputationPageNotRemoved = 5806;

    public const int StorageFragmentStored = 5850;
    public const int StorageAuditFailed = 5851;
    public const int StorageRepaired = 5852;
    public const int StorageStateChanged = 5853;
    public const int StorageProviderPenalised = 5854;
    public const int StoragePenaltyFailed = 5855;
    public const int StorageAdvertiseFailed = 5856;
    public const int StorageEndDeleteFailed = 5857;
    public const int StorageFragmentCommitted = 5870;
    public const int StorageUploadFailed = 5871;
    public const int StorageUploadDropped = 5872;

    /// <summary>A starting silo registered its storage providers; says how long it took.</summary>
    public const int StorageProvidersRegistered = 5873;

    /// <summary>A starting silo's call to register a storage provider went unanswered; it is tried again.</summary>
    public const int StorageProviderRegistrationRetried = 5874;

    /// <summary>A starting silo's storage provider was refused by the cluster (not a busy one): the start ends.</summary>
    public const int StorageProviderRegistrationRefused = 5875;

    /// <summary>A deal's owner let another client read its blob.</summary>
    public const int StorageDealShared = 5876;

    /// <summary>A deal's owner revoked another client's read of its blob.</summary>
    public const int StorageDealUnshared = 5877;

    /// <summary>A deal's blob was made public or private again.</summary>
    public const int StorageDealPublicChanged = 5878;

    /// <summary>A deal that grants nothing any more (or ended) could not be dropped from its blob's index of shared deals.</summary>
    public const int StorageDealUnlistFailed = 5879;

    /// <summary>A starting silo's provider deleted the fragments no deal keeps with it any more (deals that ended
    /// while it was out of reach, fragments repaired elsewhere) and the writes a crash left half done.</summary>
    public const int StorageFragmentsSwept = 5880;

    /// <summary>A provider's start-up sweep could not ask a deal about a fragment; the fragment stays until the next start.</summary>
    public const int StorageFragmentSweepSkipped = 5881;

    public const int RequestFailed = 6000;
    public const int RequestFailedAfterResponseStarted = 6001;
    public const int UploadAbortFailed = 6002;
    public const int ReadinessCheckFailed = 6003;
    public const int SiloListening = 6004;
    public const int ParentProcessGone = 6005;
    public const int SiloStopping = 6006;
    public const int SiloStopped = 6007;
    public const int DatabaseBackupWritten = 6008;
    public const int DatabaseBackupFailed = 6009;
    public const int RequestRefused = 6010;
    public const int WarmStartDone = 6011;
    public const int WarmStartRequestFailed = 6012;

    public const int GatewayConnectionAccepted = 6020;
    public const int GatewayConnectionRefused = 6021;
    public const int GatewayCallRefused = 6022;

    public const int DashboardSectionFailed = 6050;
}
