// SwitchboardPlugins: see DESIGN.md.
