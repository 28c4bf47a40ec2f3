/// Common short English words (4-5 letters, plus a few 3-letter ones with a common
/// plural). A message word in this list is a real word, not a typing error, so the fuzzy
/// matcher does not "correct" it into a different FAQ word ("last" is not "list",
/// "cars" is not "card"); it may still match a longer or shorter form of itself
/// ("baker" and "bakery"). Written for this matcher from general knowledge of English;
/// longer words collide by accident far more rarely and are not listed.
enum CommonWords {
    static func contains(_ word: String) -> Bool { words.contains(word) }

    private static let words: Set<String> = Set(list.split(separator: " ").map(String.init))

    private static let list = """
    car cars dog dogs cat cats bed beds boy boys day man men
    able area away baby back ball band bank base bath bear beat been beer bell belt best bike \
    bill bird bite blue boat body bone book boot born boss both bowl busy cake call calm came \
    camp card care case cash cast cell chat chip city club coat code cold come cook cool copy \
    corn cost crew cute dark data date dead deal dear deep desk dirt dish does doll door down \
    draw drew drop drug duck dust duty each earn ease east easy edge else even ever exit face \
    fact fail fair fall fame farm fast fear feed feel feet fell felt file fill film find fine \
    fire firm fish five flat flew flow food foot form four free frog from fuel full fund gain \
    game gate gave gear gift girl give glad goal goes gold golf gone good grab gray grew grow \
    hair half hall hand hang hard harm hate have head hear heat held hell help here hero hide \
    high hill hint hire hold hole holy home hope horn host hour huge hung hunt hurt idea inch \
    iron item jack jail join joke jump jury just keep kept kick kids kill kind king kiss knee \
    knew know lack lady laid lake land lane last late lazy lead leaf lean left lend less life \
    lift like line link list live load loan lock long look lord lose loss lost loud love luck \
    made mail main make male mall many mark mask mass meal mean meat meet menu mess mile milk \
    mind mine miss mode mood moon more most move much must name near neck need news next nice \
    nine none nose note okay once only open over pack page paid pain pair pale park part pass \
    past path peak pick pile pink pipe plan play plus poem pole pool poor post pour pull pure \
    push race rain rank rare rate read real rely rent rest rice rich ride ring rise risk road \
    rock role roll roof room root rope rose rule rush safe said sale salt same sand save seat \
    seed seek seem seen self sell send sent ship shoe shop shot show shut sick side sign sing \
    sink site size skin slip slow snow soft soil sold sole some song soon sort soul spot star \
    stay step stop such suit sure swim tail take tale talk tall tank tape task team tear tell \
    tend term test text than that them then they thin this thus tide till time tiny tire told \
    tone took tool tour town tree trip true tube turn twin type unit upon used user vast very \
    view vote wage wait wake walk wall want warm warn wash wave weak wear week well went were \
    west what when wide wife wild will wind wine wing wire wise wish with wood word wore work \
    worn wrap yard yeah year your zero zone \
    about above adult after again agree ahead alive allow alone along among angry apple argue \
    arise aside avoid awake award aware badly basic beach began begin being below birth black \
    blame blind block blood board brain brand bread break brief bring broad broke brown build \
    built buyer cable carry catch cause chain chair cheap check chest chief child claim class \
    clean clear climb clock close cloud coach coast could count court cover crash crazy cream \
    crime cross crowd cycle daily dance death delay depth dirty doubt dozen draft drama dream \
    dress drink drive early earth eight empty enemy enjoy enter entry equal error event every \
    exact exist extra faith false fault field fifty fight final first floor focus force frame \
    fresh front fruit funny giant given glass grade grand grant grass great green group guard \
    guess guest guide happy heart heavy hello horse hotel house human ideal image index inner \
    issue joint judge knife known label large later laugh layer learn least leave legal level \
    light limit local loose lower lucky lunch major maker match maybe mayor meant media metal \
    might minor model money month moral mouth movie music never night noise north novel nurse \
    occur ocean offer often order other owner paint panel paper party peace phase phone photo \
    piece pilot pitch place plain plane plant plate point pound power press price pride prime \
    print prior proof proud prove queen quick quiet quite radio raise range rapid ratio reach \
    ready refer right river rough round route royal rural scale scene scope score sense serve \
    seven shall shape share sharp sheet shelf shell shift shirt shock shoot short shown sight \
    since sixty skill sleep slide small smart smile smoke solid solve sorry sound south space \
    spare speak speed spend spent split sport staff stage stand start state steal steam steel \
    stick still stock stone stood store storm story strip stuck study stuff style sugar suite \
    sunny super sweet table taken taste teach teeth thank theme there these thick thing think \
    third those three threw throw tight tired title today topic total touch tough tower track \
    trade train treat trend trial truck truly trust truth twice uncle under union until upper \
    upset urban usual valid value video visit vital voice waste watch water wheel where which \
    while white whole whose woman women world worry worse worst worth would wound write wrong \
    wrote young youth
    """
}
