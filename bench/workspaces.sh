#!/usr/bin/env bash
# bench/workspaces.sh: memory and start time of the host with many workspaces.
#
# Generates N workspace files, each a 20-entry FAQ plus handoff (the shape of a small
# business; the entries differ per workspace: name, street, prices, hours, products),
# starts the real `switchboard serve` on them (SQLite on disk, log at info to a file),
# and reports, per N:
#   ready    seconds from the start of the process until /readyz answers 200;
#   rss      the host's VmRSS once ready and 2 s later (settled), and its VmHWM.
# Run it with 1 too: (RSS at N - RSS at 1) / N is what a workspace costs.
#
#   swift build -c release
#   bench/workspaces.sh                  # N = 1000 5000 10000
#   bench/workspaces.sh 1 100 1000       # other sizes
#   BINARY=path/to/switchboard bench/workspaces.sh 1000
#   CHAIN=handoff bench/workspaces.sh 1000   # only these plugins (faq, handoff; "none": no chain)
#
# Files go to a temporary directory (removed unless KEEP=1). Figures: bench/README.md.
set -euo pipefail

BINARY=${BINARY:-.build/release/switchboard}
BINARY=$(cd "$(dirname "$BINARY")" && pwd)/$(basename "$BINARY")
PLUGINS=${PLUGINS:-$(dirname "$BINARY")}
CHAIN=${CHAIN:-faq,handoff}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 5000 10000)

# Writes its standard input (a here-document) without starting a process (`cat` would
# start three per workspace: minutes for 10,000 on a busy machine).
emit() { local text; IFS= read -r -d '' text || true; printf '%s' "$text"; }

# The workspace file of workspace $1 (an integer): 20 entries, handoff with keywords.
workspace_yaml() {
    local k=$1
    local name="Shop $k" street=$((k % 97 + 1)) open=$((6 + k % 4)) close=$((17 + k % 5))
    local fee=$((500 + (k % 13) * 100)) cake=$((15000 + (k % 29) * 1000))
    local products=("agege bread" "meat pie" "chin chin" "puff puff" "doughnuts" "croissants"
                    "sourdough" "coconut bread" "banana bread" "cupcakes" "cookies" "sausage rolls")
    local p1=${products[$((k % 12))]} p2=${products[$(((k / 12) % 12))]} p3=${products[$(((k / 144) % 12))]}
    emit <<EOF
id: ws$k
name: $name
region: NG
timezone: Africa/Lagos
fallback: "Thanks! $name will get back to you shortly."
EOF
    [[ $CHAIN == none ]] && return
    echo "plugins:"
    [[ ,$CHAIN, == *,faq,* ]] && emit <<EOF
  - name: faq
    config:
      entries:
        - id: hours
          questions: ["What are your opening hours?", "When are you open?", "Are you open on Sunday?"]
          answer: "$name is open ${open}am to ${close}pm, Monday to Saturday. Closed on Sundays."
        - id: location
          questions: ["Where are you located?", "What is your address?", "How do I find you?"]
          answer: "We are at $street Adeola Odeku Street, Victoria Island, Lagos."
        - id: delivery
          questions: ["Do you deliver?", "How much is delivery?", "Can you deliver to Lekki?"]
          answer: "Yes, we deliver across Lagos Island and Lekki for $fee naira."
        - id: cakes
          questions: ["Do you make birthday cakes?", "Can I order a custom cake?", "Wedding cake prices"]
          answer: "Custom cakes from $cake naira; order three days ahead."
        - id: payment
          questions: ["How can I pay?", "Do you accept transfer?", "Can I pay by card?"]
          answer: "Cash, card and bank transfer."
        - id: bread
          questions: ["Do you have bread today?", "What bread do you sell?", "Is there $p1 today?"]
          answer: "We bake $p1, $p2 and $p3 fresh every morning."
        - id: parking
          questions: ["Is there parking?", "Where can I park?"]
          answer: "Free parking behind the shop."
        - id: wifi
          questions: ["Do you have wifi?", "What is the wifi password?"]
          answer: "Yes, ask the cashier for the password."
        - id: jobs
          questions: ["Are you hiring?", "Any job openings?"]
          answer: "Send your CV to jobs@shop$k.example."
        - id: refunds
          questions: ["Can I get a refund?", "What is your return policy?"]
          answer: "Refunds within 24 hours with the receipt."
        - id: allergies
          questions: ["Do you have gluten free bread?", "Is there nut in the $p2?"]
          answer: "Ask us about allergens; we label nuts and gluten."
        - id: vegan
          questions: ["Do you have vegan options?", "Is the $p3 vegan?"]
          answer: "Our $p3 is vegan; more options on request."
        - id: catering
          questions: ["Do you cater for events?", "Can you cater a party of 50?"]
          answer: "We cater events from 20 guests; call us for a quote."
        - id: preorder
          questions: ["Can I order in advance?", "Can I pre order for tomorrow?"]
          answer: "Order ahead by 6pm for pickup the next day."
        - id: pickup
          questions: ["Can I pick up my order?", "When can I collect?"]
          answer: "Pickup from ${open}am at the counter."
        - id: price-list
          questions: ["How much is the $p1?", "Do you have a price list?"]
          answer: "The $p1 is $((200 + k % 7 * 50)) naira; the full list is on our menu."
        - id: wholesale
          questions: ["Do you sell wholesale?", "Discount for bulk orders?"]
          answer: "10 percent off orders over 50 pieces."
        - id: contact
          questions: ["What is your phone number?", "How can I call you?"]
          answer: "Call 0803 555 $((1000 + k % 9000))."
        - id: seating
          questions: ["Can I eat inside?", "Do you have seats?"]
          answer: "Yes, 12 seats inside."
        - id: gift
          questions: ["Do you sell gift cards?", "Can I buy a voucher?"]
          answer: "Gift cards from 5,000 naira at the counter."
EOF
    [[ ,$CHAIN, == *,handoff,* ]] && emit <<EOF
  - name: handoff
    config:
      keywords: ["human", "agent", "speak to someone", "complaint", "manager"]
EOF
    return 0
}

rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

run() {
    local n=$1 dir port pid t0 t1 ready rss1 rss2 hwm
    dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-ws-bench.XXXXXX")
    mkdir -p "$dir/workspaces"
    for ((k = 0; k < n; k++)); do workspace_yaml "$k" > "$dir/workspaces/ws$k.yaml"; done
    # A random port; another one if something else has it.
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 30000))
        cat > "$dir/switchboard.yaml" <<EOF
server:
  listen: 127.0.0.1:$port
  metrics_listen: off   # no second listener on 9464: two runs at once must not collide
storage:
  sqlite: $dir/bench.db
log:
  level: info
  file: $dir/host.log
plugins:
  path: [$PLUGINS]
workspaces:
  dir: $dir/workspaces
EOF
        rm -f "$dir"/bench.db*
        t0=$(date +%s.%N)
        "$BINARY" serve --config "$dir/switchboard.yaml" 2> "$dir/stderr" &
        pid=$!
        until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && kill -0 "$pid" 2> /dev/null; do
            if ! kill -0 "$pid" 2> /dev/null; then
                wait "$pid" || true
                grep -q "address already in use" "$dir/stderr" && continue 2
                echo "host exited:"; cat "$dir/stderr"; exit 1
            fi
            sleep 0.02
        done
        break
    done
    kill -0 "$pid" 2> /dev/null || { echo "no free port after 5 tries"; exit 1; }
    t1=$(date +%s.%N)
    ready=$(echo "$t1 - $t0" | bc)
    rss1=$(rss_kb "$pid" VmRSS)
    sleep 2
    rss2=$(rss_kb "$pid" VmRSS)
    hwm=$(rss_kb "$pid" VmHWM)
    kill -TERM "$pid"
    wait "$pid" || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $dir" >&2; else rm -rf "$dir"; fi
    printf '%6d workspaces: ready in %5.2f s; RSS %6.1f MB when ready, %6.1f MB 2 s later, peak %6.1f MB\n' \
        "$n" "$ready" "$(echo "$rss1 / 1024" | bc -l)" "$(echo "$rss2 / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)"
}

echo "binary $BINARY; chain $CHAIN; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${SIZES[@]}"; do run "$n"; done
