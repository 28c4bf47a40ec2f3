// SwitchboardHTTP: see DESIGN.md.
