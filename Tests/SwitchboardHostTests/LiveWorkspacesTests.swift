import Foundation
import Testing
import SwitchboardConfig
import SwitchboardCore
@testable import SwitchboardHost

/// A reload swaps the running snapshot: a message that started on a chain finishes on
/// it, the next takes the new one, and the replaced chain shuts down after its last
/// message, never under it.
@Suite struct LiveWorkspacesTests {
    struct Named: Responders {
        let text: String
        func respond(_ input: ResponderInput) -> ResponderOutcome { ResponderOutcome(verdict: .reply(text: text, buttons: [])) }
    }

    func snapshot(_ responders: [WorkspaceID: LeasedResponders]) -> LiveWorkspaces.Snapshot {
        LiveWorkspaces.Snapshot(configs: [:], responders: responders, routing: RoutingTable(channels: [], senders: [:]), markRead: [])
    }

    func text(_ r: any Responders) -> String? {
        (r as? Named)?.text
    }

    @Test func aMessageInFlightKeepsItsChainAndTheOldChainStopsAfterIt() {
        let old = LeasedResponders(Named(text: "old"))
        let live = LiveWorkspaces(snapshot(["demo": old]))
        let inFlight = live.acquire("demo")
        #expect(text(inFlight.responders) == "old")

        let new = LeasedResponders(Named(text: "new"))
        let replaced = live.replace(with: snapshot(["demo": new]))
        replaced.responders["demo"]!.retire()
        // Retired, but a message still runs on it: not shut down.
        #expect(!old.isShutDown)
        let next = live.acquire("demo")
        #expect(text(next.responders) == "new")
        inFlight.release()
        #expect(old.isShutDown)
        next.release()
        #expect(!new.isShutDown)
    }

    @Test func aRetiredChainTakesNoNewMessage() {
        let old = LeasedResponders(Named(text: "old"))
        old.retire()
        #expect(old.isShutDown)
        #expect(!old.acquire())
        // Retired with no successor (shutting down): the message passes, it does not wait.
        let closing = LiveWorkspaces(snapshot(["demo": old]))
        #expect(closing.acquire("demo").responders is NoResponders)
        // A workspace without a chain: every message passes.
        let live = LiveWorkspaces(snapshot([:]))
        #expect(live.acquire("shop").responders is NoResponders)
    }
}
