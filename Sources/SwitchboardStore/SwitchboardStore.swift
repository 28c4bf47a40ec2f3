// SwitchboardStore: workspace-scoped storage (see DESIGN.md, "Storage").
//
// Callers see only the protocols of this folder (`Store`, `WorkspaceStore` and its
// repositories) and the records of SwitchboardCore. `SQLiteStore` is the embedded
// implementation; PostgreSQL will be a second implementation of the same protocols.
//
// There is no call that reads or writes workspace data without naming the workspace:
// every repository is reached through `store.workspace(id)`, and every query it runs
// binds that workspace id.
