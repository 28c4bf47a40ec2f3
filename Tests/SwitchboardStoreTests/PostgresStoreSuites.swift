import Foundation
import Testing
@testable import SwitchboardStore

// The store tests written for the store protocols, run on PostgreSQL: each test here
// runs the same test body as its SQLite namesake (`init(backend: .postgres)`), against a
// fresh database of the test server (`TestPostgres`; `make test` starts one, and
// `scripts/with-postgres.sh swift test --skip-build --filter Postgres` runs these alone).
// Tests of SQLite's own machinery are not repeated; each suite lists them.

@Suite struct PostgresQueueStoreTests {
    // Not repeated here: entriesInFlightAtACrashAreClaimedAgain and
    // inboundJobsOfAProcessThatDiedAreClaimedAgainAndALiveOnesAreNot (a claimer's death
    // seen in /proc, SQLite's rule; on PostgreSQL the lease alone decides, see
    // PostgresClaimTests).
    @Test func inboundJobsArePendingUntilCompleted() throws { try QueueStoreTests(backend: .postgres).inboundJobsArePendingUntilCompleted() }
    @Test func claimTakesOnlyTheOldestEntryOfEachConversation() throws { try QueueStoreTests(backend: .postgres).claimTakesOnlyTheOldestEntryOfEachConversation() }
    @Test func aRetryWaitsUntilDueAndStillBlocksLaterMessages() throws { try QueueStoreTests(backend: .postgres).aRetryWaitsUntilDueAndStillBlocksLaterMessages() }
    @Test func outboxOfOneChannelIsNotClaimedByAnother() throws { try QueueStoreTests(backend: .postgres).outboxOfOneChannelIsNotClaimedByAnother() }
    @Test func unroutedMessagesAreHeldOnce() throws { try QueueStoreTests(backend: .postgres).unroutedMessagesAreHeldOnce() }
}

@Suite struct PostgresMessageStoreTests {
    // Not repeated here: searchReadsAndTheIndexCatchesUpInTheBackground (SQLite's background indexing).
    @Test func inboundIsStoredOnceAndOpensTheServiceWindow() throws { try MessageStoreTests(backend: .postgres).inboundIsStoredOnceAndOpensTheServiceWindow() }
    @Test func outboundStartsQueuedAndNotesHaveNoStatus() throws { try MessageStoreTests(backend: .postgres).outboundStartsQueuedAndNotesHaveNoStatus() }
    @Test func deliveryStatusNeverMovesBackwards() throws { try MessageStoreTests(backend: .postgres).deliveryStatusNeverMovesBackwards() }
    @Test func failureIsFinalAndKeepsTheProvidersError() throws { try MessageStoreTests(backend: .postgres).failureIsFinalAndKeepsTheProvidersError() }
    @Test func inboundMessagesIgnoreStatusReports() throws { try MessageStoreTests(backend: .postgres).inboundMessagesIgnoreStatusReports() }
    @Test func listPagesWithACursor() throws { try MessageStoreTests(backend: .postgres).listPagesWithACursor() }
    @Test func tailBeforePagesBackwards() throws { try MessageStoreTests(backend: .postgres).tailBeforePagesBackwards() }
    @Test func tailIsTheLastMessagesOfOneConversationOldestFirst() throws { try MessageStoreTests(backend: .postgres).tailIsTheLastMessagesOfOneConversationOldestFirst() }
    @Test func searchTakesPlainWordsAndRanksMatches() throws { try MessageStoreTests(backend: .postgres).searchTakesPlainWordsAndRanksMatches() }
    @Test func searchIndexesWhatEachCommitStoredAndNothingRolledBack() throws { try MessageStoreTests(backend: .postgres).searchIndexesWhatEachCommitStoredAndNothingRolledBack() }
}

@Suite struct PostgresConversationStoreTests {
    @Test func contactUpsertCreatesOnceAndTracksProfileName() throws { try ConversationStoreTests(backend: .postgres).contactUpsertCreatesOnceAndTracksProfileName() }
    @Test func findOrCreateReturnsTheSameConversation() throws { try ConversationStoreTests(backend: .postgres).findOrCreateReturnsTheSameConversation() }
    @Test func transitionsArePersistedAndJournalled() throws { try ConversationStoreTests(backend: .postgres).transitionsArePersistedAndJournalled() }
    @Test func invalidTransitionsAreRejectedAndChangeNothing() throws { try ConversationStoreTests(backend: .postgres).invalidTransitionsAreRejectedAndChangeNothing() }
    @Test func listIsNewestFirstAndFiltersByState() throws { try ConversationStoreTests(backend: .postgres).listIsNewestFirstAndFiltersByState() }
    @Test func assignmentIsStoredAndJournalled() throws { try ConversationStoreTests(backend: .postgres).assignmentIsStoredAndJournalled() }
}

@Suite struct PostgresEventStoreTests {
    // Not repeated here: aConversationsJournalSpansTheBatchedIndexAndWhatFollowsIt (SQLite's batched journal index); theWriterIndexesTheJournalInTheBackground (SQLite's writer thread); indexPaceSpacesItsRuns (SQLite's indexing pace).
    @Test func appendReturnsTheStoredEvent() throws { try EventStoreTests(backend: .postgres).appendReturnsTheStoredEvent() }
    @Test func cursorFollowsTheJournal() throws { try EventStoreTests(backend: .postgres).cursorFollowsTheJournal() }
    @Test func tailBeforePagesBackwards() throws { try EventStoreTests(backend: .postgres).tailBeforePagesBackwards() }
    @Test func anotherConnectionSeesCommittedEvents() throws { try EventStoreTests(backend: .postgres).anotherConnectionSeesCommittedEvents() }
    @Test func anUnknownKindIsAClearError() throws { try EventStoreTests(backend: .postgres).anUnknownKindIsAClearError() }
}

@Suite struct PostgresIsolationTests {
    @Test func contacts() throws { try IsolationTests(backend: .postgres).contacts() }
    @Test func conversations() throws { try IsolationTests(backend: .postgres).conversations() }
    @Test func messages() throws { try IsolationTests(backend: .postgres).messages() }
    @Test func events() throws { try IsolationTests(backend: .postgres).events() }
    @Test func pluginState() throws { try IsolationTests(backend: .postgres).pluginState() }
    @Test func workspaceRecords() throws { try IsolationTests(backend: .postgres).workspaceRecords() }
    @Test func dedupIsPerChannel() throws { try IsolationTests(backend: .postgres).dedupIsPerChannel() }
    @Test func deliveryReportsAreRoutedToTheOwningWorkspace() throws { try IsolationTests(backend: .postgres).deliveryReportsAreRoutedToTheOwningWorkspace() }
    @Test func anUnsyncedWorkspaceCannotBeWritten() throws { try IsolationTests(backend: .postgres).anUnsyncedWorkspaceCannotBeWritten() }
}

@Suite struct PostgresAccessStoreTests {
    @Test func usersAreCreatedFoundAndListed() throws { try AccessStoreTests(backend: .postgres).usersAreCreatedFoundAndListed() }
    @Test func aDuplicateEmailInTheWorkspaceIsRefusedWithAClearMessage() throws { try AccessStoreTests(backend: .postgres).aDuplicateEmailInTheWorkspaceIsRefusedWithAClearMessage() }
    @Test func aWorkspaceThatWasNeverSyncedCannotGetUsersOrTokens() throws { try AccessStoreTests(backend: .postgres).aWorkspaceThatWasNeverSyncedCannotGetUsersOrTokens() }
    @Test func tokensAreFoundByHashWithTheirWorkspace() throws { try AccessStoreTests(backend: .postgres).tokensAreFoundByHashWithTheirWorkspace() }
    @Test func aTokenHashIsUniqueAcrossWorkspaces() throws { try AccessStoreTests(backend: .postgres).aTokenHashIsUniqueAcrossWorkspaces() }
    @Test func sessionsAreFoundByHashExpireAndGoWithTheirUser() throws { try AccessStoreTests(backend: .postgres).sessionsAreFoundByHashExpireAndGoWithTheirUser() }
    @Test func aSessionNeedsAUserOfItsOwnWorkspace() throws { try AccessStoreTests(backend: .postgres).aSessionNeedsAUserOfItsOwnWorkspace() }
    @Test func usersTokensAndSessionsOfAAreInvisibleFromB() throws { try AccessStoreTests(backend: .postgres).usersTokensAndSessionsOfAAreInvisibleFromB() }
}

@Suite struct PostgresAdminStoreTests {
    @Test func tokensKeepTheirRoleAndExpiry() throws { try AdminStoreTests(backend: .postgres).tokensKeepTheirRoleAndExpiry() }
    @Test func aUsersRoleChangesInItsWorkspaceOnly() throws { try AdminStoreTests(backend: .postgres).aUsersRoleChangesInItsWorkspaceOnly() }
    @Test func theAuditTrailIsPerWorkspaceNewestFirstAndPaged() throws { try AdminStoreTests(backend: .postgres).theAuditTrailIsPerWorkspaceNewestFirstAndPaged() }
    @Test func invitesAreFoundByHashAndAcceptedOnce() throws { try AdminStoreTests(backend: .postgres).invitesAreFoundByHashAndAcceptedOnce() }
    @Test func operatorsAndTheirTokens() throws { try AdminStoreTests(backend: .postgres).operatorsAndTheirTokens() }
}

@Suite struct PostgresInboxQueryStoreTests {
    @Test func conversationPagesFollowTheCursorAndTheFilter() throws { try InboxQueryStoreTests(backend: .postgres).conversationPagesFollowTheCursorAndTheFilter() }
    @Test func contactPagesFollowTheCursor() throws { try InboxQueryStoreTests(backend: .postgres).contactPagesFollowTheCursor() }
    @Test func unreadCountsInboundSinceTheLastSentReply() throws { try InboxQueryStoreTests(backend: .postgres).unreadCountsInboundSinceTheLastSentReply() }
}

@Suite struct PostgresOutboxHandoverStoreTests {
    @Test func theOldestEntryOfItsConversationIsBornClaimedAndTheNextWaitsBehindIt() throws { try OutboxHandoverStoreTests(backend: .postgres).theOldestEntryOfItsConversationIsBornClaimedAndTheNextWaitsBehindIt() }
    @Test func aBornClaimedEntryWhoseLeaseRanOutIsClaimedAgainAndItsFirstClaimNoLongerApplies() throws { try OutboxHandoverStoreTests(backend: .postgres).aBornClaimedEntryWhoseLeaseRanOutIsClaimedAgainAndItsFirstClaimNoLongerApplies() }
    @Test func channelsToClaimNamesTheChannelsWithSomethingClaimableNow() throws { try OutboxHandoverStoreTests(backend: .postgres).channelsToClaimNamesTheChannelsWithSomethingClaimableNow() }
    @Test func aBornClaimedEntryUndoneWithItsTransactionLeavesNothingBehind() throws { try OutboxHandoverStoreTests(backend: .postgres).aBornClaimedEntryUndoneWithItsTransactionLeavesNothingBehind() }
}

@Suite struct PostgresOutboxLeaseTests {
    // Not repeated here: entriesLeftSendingByAnOlderVersionAreClaimable and
    // inboundJobsQueuedByAnOlderVersionAreClaimable (SQLite files of schemas 8 and 15;
    // PostgresMigrationTests upgrades PostgreSQL's); theClaimOfAProcessThatDiedIsVoidBeforeItsLeaseRunsOut
    // (a claimer's death seen in /proc: on PostgreSQL the lease alone decides).
    @Test func anEntryWhoseLeaseRanOutIsClaimedAgain() throws { try OutboxLeaseTests(backend: .postgres).anEntryWhoseLeaseRanOutIsClaimedAgain() }
    @Test func expiredLeasesAndDueEntriesShareOneClaimInIdOrder() throws { try OutboxLeaseTests(backend: .postgres).expiredLeasesAndDueEntriesShareOneClaimInIdOrder() }
    @Test func aReleaseWithoutAClaimStillApplies() throws { try OutboxLeaseTests(backend: .postgres).aReleaseWithoutAClaimStillApplies() }
    @Test func theClaimsOfAClosedStoreOfThisProcessAreVoid() throws { try OutboxLeaseTests(backend: .postgres).theClaimsOfAClosedStoreOfThisProcessAreVoid() }
    @Test func aSecondProcessKeepsItsClaimsWhileTheirLeasesRun() throws { try OutboxLeaseTests(backend: .postgres).aSecondProcessKeepsItsClaimsWhileTheirLeasesRun() }
    @Test func aProviderIDAlreadyStoredIsRecordedWithoutIt() throws { try OutboxLeaseTests(backend: .postgres).aProviderIDAlreadyStoredIsRecordedWithoutIt() }
    @Test func aCollisionInsideATransactionKeepsTheTransaction() throws { try OutboxLeaseTests(backend: .postgres).aCollisionInsideATransactionKeepsTheTransaction() }
    @Test func aCollisionWithAnotherWorkspaceDoesNotNameItsMessage() throws { try OutboxLeaseTests(backend: .postgres).aCollisionWithAnotherWorkspaceDoesNotNameItsMessage() }
}

@Suite struct PostgresTransactionTests {
    @Test func aThrowingBodyLeavesNothingBehind() throws { try TransactionTests(backend: .postgres).aThrowingBodyLeavesNothingBehind() }
    @Test func readsInsideSeeTheTransactionsWrites() throws { try TransactionTests(backend: .postgres).readsInsideSeeTheTransactionsWrites() }
    @Test func aFailedStepCaughtInsideDoesNotUndoTheOthers() throws { try TransactionTests(backend: .postgres).aFailedStepCaughtInsideDoesNotUndoTheOthers() }
    @Test func aStepFailingAfterWritingUndoesTheWholeTransaction() throws { try TransactionTests(backend: .postgres).aStepFailingAfterWritingUndoesTheWholeTransaction() }
    @Test func queuedTransactionsCommitInOrderAndReportTheirOwnFailure() throws { try TransactionTests(backend: .postgres).queuedTransactionsCommitInOrderAndReportTheirOwnFailure() }
    @Test func oneTransactionAcrossWorkspaces() throws { try TransactionTests(backend: .postgres).oneTransactionAcrossWorkspaces() }
    @Test func otherThreadsSeeOnlyCommittedData() throws { try TransactionTests(backend: .postgres).otherThreadsSeeOnlyCommittedData() }
    @Test func workHandedToAnotherThreadThroughTheHandleIsPartOfTheTransaction() throws { try TransactionTests(backend: .postgres).workHandedToAnotherThreadThroughTheHandleIsPartOfTheTransaction() }
    @Test func aRollbackUndoesEveryWriteMadeThroughTheHandle() throws { try TransactionTests(backend: .postgres).aRollbackUndoesEveryWriteMadeThroughTheHandle() }
    @Test func aCallOnTheStoreInsideATransactionIsRefusedAsMisuse() throws { try TransactionTests(backend: .postgres).aCallOnTheStoreInsideATransactionIsRefusedAsMisuse() }
    @Test func aHandleUsedAfterItsTransactionEndedIsRefused() throws { try TransactionTests(backend: .postgres).aHandleUsedAfterItsTransactionEndedIsRefused() }
}

@Suite struct PostgresInboxToolsStoreTests {
    @Test func theReportReadsTheJournalOfItsRangeAndWorkspaceOnly() throws { try InboxToolsStoreTests(backend: .postgres).theReportReadsTheJournalOfItsRangeAndWorkspaceOnly() }
    @Test func aClockSetBackAFewMinutesLosesNothing() throws { try InboxToolsStoreTests(backend: .postgres).aClockSetBackAFewMinutesLosesNothing() }
    @Test func anUnreadableProfileIsAnErrorNotAnEmptyProfile() throws { try InboxToolsStoreTests(backend: .postgres).anUnreadableProfileIsAnErrorNotAnEmptyProfile() }
    @Test func cannedRepliesLabelsAndProfilesAreTheWorkspaces() throws { try InboxToolsStoreTests(backend: .postgres).cannedRepliesLabelsAndProfilesAreTheWorkspaces() }
}

@Suite struct PostgresContactIdentityTests {
    @Test func addressesSeenTogetherFindOneContact() throws { try ContactIdentityTests(backend: .postgres).addressesSeenTogetherFindOneContact() }
    @Test func mappingsAreWorkspaceScoped() throws { try ContactIdentityTests(backend: .postgres).mappingsAreWorkspaceScoped() }
    @Test func aLIDContactMergesIntoTheNumberWithItsHistory() throws { try ContactIdentityTests(backend: .postgres).aLIDContactMergesIntoTheNumberWithItsHistory() }
    @Test func labelsNotesAndTheProfileOfAMergedContactFollowIt() throws { try ContactIdentityTests(backend: .postgres).labelsNotesAndTheProfileOfAMergedContactFollowIt() }
    @Test func erasingAContactDeletesItsAliasesAndTheExportListsThem() throws { try ContactIdentityTests(backend: .postgres).erasingAContactDeletesItsAliasesAndTheExportListsThem() }
    @Test func aLIDContactTakesTheNumberWhenNoneExisted() throws { try ContactIdentityTests(backend: .postgres).aLIDContactTakesTheNumberWhenNoneExisted() }
    @Test func aBusinessUserIDContactFromBeforeMergesWhenTheNumberAppears() throws { try ContactIdentityTests(backend: .postgres).aBusinessUserIDContactFromBeforeMergesWhenTheNumberAppears() }
    @Test func twoNumbersAreNeverMergedTheAliasMovesInstead() throws { try ContactIdentityTests(backend: .postgres).twoNumbersAreNeverMergedTheAliasMovesInstead() }
    @Test func nothingToResolveIsRefused() throws { try ContactIdentityTests(backend: .postgres).nothingToResolveIsRefused() }
}

@Suite struct PostgresConcurrencyTests {
    // Not repeated here: writesOfManyThreadsShareCommits (SQLite's group commit); twoStoresOnOneFileWaitForEachOther (two processes on one SQLite file); aLockHeldPastTheTimeoutIsAClearError (SQLite's busy timeout); bulkInsertMeasurement (a SQLite measurement).
    @Test func concurrentWritersAndReadersOnOneStore() throws { try ConcurrencyTests(backend: .postgres).concurrentWritersAndReadersOnOneStore() }
    @Test func racingFindOrCreateMakesOne() throws { try ConcurrencyTests(backend: .postgres).racingFindOrCreateMakesOne() }
}

@Suite struct PostgresWorkspaceSyncTests {
    @Test func createsUpdatesAndDeactivatesWithoutDeleting() throws { try WorkspaceSyncTests(backend: .postgres).createsUpdatesAndDeactivatesWithoutDeleting() }
    @Test func aDuplicatedDefinitionIsRefused() throws { try WorkspaceSyncTests(backend: .postgres).aDuplicatedDefinitionIsRefused() }
}

@Suite struct PostgresChannelRecordsStoreTests {
    @Test func templatesAreReplacedPerChannelAndTheirStatusUpdated() throws { try ChannelRecordsStoreTests(backend: .postgres).templatesAreReplacedPerChannelAndTheirStatusUpdated() }
    @Test func channelStatusKeepsTheLastStateOfEachChannel() throws { try ChannelRecordsStoreTests(backend: .postgres).channelStatusKeepsTheLastStateOfEachChannel() }
    @Test func mediaRecordsAreTheWorkspacesAndExpire() throws { try ChannelRecordsStoreTests(backend: .postgres).mediaRecordsAreTheWorkspacesAndExpire() }
    @Test func retentionEmptiesOldContentOfOneWorkspaceOldestFirst() throws { try ChannelRecordsStoreTests(backend: .postgres).retentionEmptiesOldContentOfOneWorkspaceOldestFirst() }
    @Test func aLabelIsDetachedFromOneConversationOnly() throws { try ChannelRecordsStoreTests(backend: .postgres).aLabelIsDetachedFromOneConversationOnly() }
    @Test func anOperatorTokenOnceRevokedNoLongerAuthenticates() throws { try ChannelRecordsStoreTests(backend: .postgres).anOperatorTokenOnceRevokedNoLongerAuthenticates() }
}

@Suite struct PostgresJournalCursorTests {
    @Test func aFollowerSeesEveryEventOnceWhileSeveralHostsCommit() throws { try JournalCursorTests(backend: .postgres).aFollowerSeesEveryEventOnceWhileSeveralHostsCommit() }
}
