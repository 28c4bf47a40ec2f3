// SwitchboardChannels: see DESIGN.md.
