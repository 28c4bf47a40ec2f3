// SwitchboardStore: see DESIGN.md.
