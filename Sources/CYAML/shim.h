// CYAML: libyaml, the parser behind the host and workspace config files. It gives each
// node its line and column, which every config error reports. Debian: libyaml-dev.
#include <yaml.h>
