// SwitchboardHost: see DESIGN.md.
