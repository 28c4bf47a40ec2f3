// SwitchboardConfig: see DESIGN.md.
