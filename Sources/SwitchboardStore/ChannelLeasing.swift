import SwitchboardCore

/// A store several hosts share hands out channel supervision leases: one host at a time
/// supervises a live session (a WhatsApp Web number behind a gateway: its probes, its
/// reconnects, its sends), while it renews the lease; when it stops renewing (it died, or
/// lost the database) the lease runs out and another host takes it. Times are the
/// database's clock, so the hosts' clocks need not agree.
///
/// SQLite is one host's file and does not lease: that host always supervises.
public protocol ChannelLeasing: AnyObject, Sendable {
    /// Takes the lease of `channel` for `holder` if it is free or ran out, or renews it if
    /// `holder` has it, for `seconds` from now. Returns whether `holder` holds it now.
    func holdChannelLease(_ channel: ChannelID, holder: String, seconds: Double) throws -> Bool
    /// Gives the lease up (a host stopping cleanly), so another takes it at once. Does
    /// nothing when `holder` does not hold it.
    func releaseChannelLease(_ channel: ChannelID, holder: String) throws
    /// Who holds the lease of `channel` now (nil: nobody, or it ran out).
    func channelLeaseHolder(_ channel: ChannelID) throws -> String?
}
