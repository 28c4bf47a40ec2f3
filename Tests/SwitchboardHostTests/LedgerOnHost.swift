import Foundation
import LLMEngine
import SwitchboardCore
import SwitchboardStore
@testable import SwitchboardHost

// A file of its own: LLMEngine compiles some of SwitchboardCore's files into itself
// (EvalSpend.swift says so), so its names stay out of the files that use Core's.

/// The llm plugin's ledger over the host's plugin state in `store`, as the plugin keeps
/// it (daily limit $1.00): what SharedBudgetTests spends from on two hosts.
enum LedgerOnHost {
    static func ledger(_ store: any Store) -> BudgetLedger {
        BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil,
                     storage: EvalSpend.PluginState(store: StorePluginState(store: store), workspace: "demo", plugin: "llm"))
    }
    static func reserve(_ ledger: BudgetLedger, _ usd: Double) -> BudgetLedger.Reservation? { ledger.reserve(usd, now: Date()) }
    static func settle(_ ledger: BudgetLedger, _ r: BudgetLedger.Reservation, _ usd: Double) {
        ledger.settle(r, actualUSD: usd, now: Date())
    }
    static func spentToday(_ ledger: BudgetLedger) throws -> Double { try ledger.spent(now: Date()).day }
}
