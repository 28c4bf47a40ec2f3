import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// Channel supervision leases on one PostgreSQL database shared by two stores (two hosts):
/// one holder at a time, renewed by its holder, taken by another only once it ran out,
/// free at once when given up; and the journal's announcements heard by a listener.
@Suite struct PostgresChannelLeaseTests {
    let hosts: [PostgresStore]
    let url: String

    init() throws {
        url = try TestPostgres.freshDatabase(prefix: "leases")
        hosts = [try PostgresStore(url: url, poolSize: 2, options: testOptions()),
                 try PostgresStore(url: url, poolSize: 2, options: testOptions())]
    }

    @Test func oneHolderAtATimeUntilItRunsOutOrIsGivenUp() throws {
        let channel = ChannelID("wa-web")
        #expect(try hosts[0].channelLeaseHolder(channel) == nil)
        #expect(try hosts[0].holdChannelLease(channel, holder: "a", seconds: 30))
        #expect(try !hosts[1].holdChannelLease(channel, holder: "b", seconds: 30))
        #expect(try hosts[1].channelLeaseHolder(channel) == "a")
        // The holder renews; another holder's release gives nothing up.
        #expect(try hosts[0].holdChannelLease(channel, holder: "a", seconds: 0.3))
        try hosts[1].releaseChannelLease(channel, holder: "b")
        #expect(try hosts[1].channelLeaseHolder(channel) == "a")
        // Run out (the server's clock): the other takes it, and the first cannot renew.
        let deadline = Date().addingTimeInterval(5)
        var taken = false
        while !taken && Date() < deadline {
            taken = try hosts[1].holdChannelLease(channel, holder: "b", seconds: 30)
            if !taken { usleep(50_000) }
        }
        #expect(taken)
        #expect(try !hosts[0].holdChannelLease(channel, holder: "a", seconds: 30))
        // Given up: free at once.
        try hosts[1].releaseChannelLease(channel, holder: "b")
        #expect(try hosts[0].channelLeaseHolder(channel) == nil)
        #expect(try hosts[0].holdChannelLease(channel, holder: "a", seconds: 30))
    }

    @Test func aListenerHearsCommittedAppendsOnlyAndComesBackAfterItsConnectionIsEnded() throws {
        _ = try hosts[1].syncWorkspaces([definition("a")])
        let heard = LockedBox<[JournalAnnouncement]>([])
        let listener = hosts[0].listenToJournal(logger: nil) { a in heard.update { $0.append(a) } }
        defer { listener.stop() }
        func wait(_ condition: ([JournalAnnouncement]) -> Bool) -> Bool {
            let end = Date().addingTimeInterval(10)
            while Date() < end { if condition(heard.get()) { return true }; usleep(10_000) }
            return false
        }
        #expect(wait { $0 == [.everything] })
        let ws = hosts[1].workspace("a")
        let event = try ws.events.append(NewEvent(.note, detail: ["n": "1"]))
        #expect(wait { $0.contains(.appended("a", eventID: event.id)) })
        // A rolled-back append announces nothing.
        struct Abort: Error {}
        _ = try? hosts[1].transaction { tx in _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "2"])); throw Abort() }
        let committed = try ws.events.append(NewEvent(.note, detail: ["n": "3"]))
        #expect(wait { $0.contains(.appended("a", eventID: committed.id)) })
        #expect(heard.get().filter { if case .appended = $0 { true } else { false } }.count == 2)
        // The server ends the listener's connection: it connects again and says so.
        try TestPostgres.execute(url, """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'switchboard journal listener'
            """)
        #expect(wait { $0.filter { $0 == .everything }.count == 2 })
        #expect(listener.connections == 2)
        let after = try ws.events.append(NewEvent(.note))
        #expect(wait { $0.contains(.appended("a", eventID: after.id)) })
    }
}
