// SwitchboardPhone: see DESIGN.md.
