import SwitchboardHost
print("switchboard")
