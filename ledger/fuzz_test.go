package ledger_test

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// bytesReader hands out fuzz input; past the end it returns zeros.
type bytesReader struct{ b []byte }

func (r *bytesReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *bytesReader) uint16() int64 { return int64(r.byte())<<8 | int64(r.byte()) }

// pick returns an index below n (n > 0).
func (r *bytesReader) pick(n int) int { return int(r.byte()) % n }

// fuzzOrder is the model's view of one paid order.
type fuzzOrder struct {
	sale       ledger.Sale
	commission ledger.Commission
	rest       ledger.Commission // what each party still holds
	reversed   int64             // refunded plus lost in disputes
	disputed   int64             // amount of the open dispute, 0 if none
	released   bool
}

// remaining is what can still be refunded or disputed.
func (o *fuzzOrder) remaining() int64 { return o.sale.Total.Amount - o.reversed - o.disputed }

// fuzzLedger drives a Memory with random operations and checks it against
// a model after each one.
type fuzzLedger struct {
	t      *testing.T
	m      *ledger.Memory
	in     *bytesReader
	orders []*fuzzOrder
	n      int // operation counter: unique ids and times
	// posted is every Post in order with what it returned, for
	// checkBatched.
	posted []fuzzPost
}

// fuzzPost is one Post of a fuzz run and its outcome.
type fuzzPost struct {
	journal ledger.Journal
	outcome ledger.Outcome
}

// post posts j to the Memory and logs it.
func (f *fuzzLedger) post(j ledger.Journal) (ledger.PostResult, error) {
	res, err := f.m.Post(context.Background(), j)
	f.posted = append(f.posted, fuzzPost{j, ledger.Outcome{Result: res, Err: err}})
	return res, err
}

var (
	fuzzCurrencies = []string{"USD", "JPY", "KWD"}
	fuzzPublishers = []string{"", "pub_a", "pub_b"}
	fuzzMerchants  = []string{"mer_a", "mer_b"}
)

func (f *fuzzLedger) id(prefix string) string { return fmt.Sprintf("%s_%d", prefix, f.n) }
func (f *fuzzLedger) at() time.Time           { return t0.Add(time.Duration(f.n) * time.Second) }

// run performs one operation chosen by the input.
func (f *fuzzLedger) run() {
	f.n++
	ops := []func(){
		f.sale, f.refund, f.openDispute, f.closeDispute, f.release,
		f.payout, f.reversal, f.replay, f.conflict, f.feeOrSettlement, f.overRelease,
	}
	ops[f.in.pick(len(ops))]()
	f.check()
}

func (f *fuzzLedger) sale() {
	cur := fuzzCurrencies[f.in.pick(len(fuzzCurrencies))]
	step := buycard.MinorUnitStep(cur)
	platform := int(f.in.uint16() % 10001)
	publisher := int(f.in.uint16() % int64(10001-platform))
	// The fixed fee takes the byte's low two bits; the rest of it says
	// how much of the total is shipping and tax (sixteenths, 0 to 7 each),
	// so the inputs that drove sales before still drive the same
	// operations.
	b := int64(f.in.byte())
	rates := ledger.Rates{PlatformBPS: platform, PublisherBPS: publisher, PlatformFixed: b % 4 * 25 * step}
	s := ledger.Sale{
		OrderID:     f.id("ord"),
		MerchantID:  fuzzMerchants[f.in.pick(len(fuzzMerchants))],
		PublisherID: fuzzPublishers[f.in.pick(len(fuzzPublishers))],
		Provider:    "sandbox",
		Total:       buycard.Money{Amount: (f.in.uint16() + 1) * step, Currency: cur},
		Rates:       rates,
		EffectiveAt: f.at(),
	}
	units := s.Total.Amount / step
	s.Shipping, s.Tax = units*(b/4%8)/16*step, units*(b/32)/16*step
	c, err := s.Commission()
	if err != nil {
		f.t.Fatal(err)
	}
	f.mustPost(ledger.SalePaid(s))
	f.orders = append(f.orders, &fuzzOrder{sale: s, commission: c, rest: c})
}

// order returns a random order, or nil if there is none.
func (f *fuzzLedger) order() *fuzzOrder {
	if len(f.orders) == 0 {
		return nil
	}
	return f.orders[f.in.pick(len(f.orders))]
}

// amountUpTo returns a random positive multiple of step at most max
// (max > 0).
func (f *fuzzLedger) amountUpTo(max, step int64) int64 {
	return (f.in.uint16()%(max/step) + 1) * step
}

func (f *fuzzLedger) refund() {
	o := f.order()
	if o == nil {
		return
	}
	step := buycard.MinorUnitStep(o.sale.Total.Currency)
	r := ledger.Refund{Sale: o.sale, RefundID: f.id("re"), ReversedBefore: o.reversed, Released: o.released, EffectiveAt: f.at()}
	if o.reversed == o.sale.Total.Amount {
		r.Amount = step
		f.wantRefused(ledger.Refunded(r))
		return
	}
	if o.remaining() == 0 {
		return // the rest is disputed
	}
	r.Amount = f.amountUpTo(o.remaining(), step)
	f.mustPost(ledger.Refunded(r))
	f.reverse(o, r.Amount)
}

func (f *fuzzLedger) openDispute() {
	o := f.order()
	if o == nil || o.disputed != 0 || o.remaining() == 0 {
		return
	}
	d := ledger.Dispute{Sale: o.sale, DisputeID: f.id("dp"), Amount: o.remaining(), EffectiveAt: f.at()}
	f.mustPost(ledger.DisputeOpened(d))
	o.disputed = d.Amount
}

func (f *fuzzLedger) closeDispute() {
	o := f.order()
	if o == nil || o.disputed == 0 {
		return
	}
	d := ledger.Dispute{Sale: o.sale, DisputeID: f.id("dp"), Amount: o.disputed,
		ReversedBefore: o.reversed, Released: o.released, EffectiveAt: f.at()}
	if f.in.byte()%2 == 0 {
		f.mustPost(ledger.DisputeWon(d))
	} else {
		f.mustPost(ledger.DisputeLost(d))
		f.reverse(o, d.Amount)
	}
	o.disputed = 0
}

func (f *fuzzLedger) release() {
	o := f.order()
	if o == nil || o.released {
		return
	}
	o.released = true
	share := o.rest.Publisher
	if share == 0 {
		return
	}
	f.mustPost(ledger.PublisherRelease(ledger.Release{OrderID: o.sale.OrderID, PublisherID: o.sale.PublisherID,
		Amount: buycard.Money{Amount: share, Currency: o.sale.Total.Currency}, EffectiveAt: f.at()}))
}

// overRelease asks to release one step more than a publisher has pending,
// which the ledger must refuse.
func (f *fuzzLedger) overRelease() {
	pub, cur := f.publisherAccount()
	pending := f.balance(ledger.Account(ledger.Publisher(pub), ledger.Pending, cur))
	f.wantRefused(ledger.PublisherRelease(ledger.Release{OrderID: f.id("ord"), PublisherID: pub,
		Amount: buycard.Money{Amount: pending + buycard.MinorUnitStep(cur), Currency: cur}, EffectiveAt: f.at()}))
}

func (f *fuzzLedger) payout() {
	pub, cur := f.publisherAccount()
	step := buycard.MinorUnitStep(cur)
	available := f.balance(ledger.Account(ledger.Publisher(pub), ledger.Available, cur))
	if available <= 0 {
		return
	}
	p := ledger.Payout{PayoutID: f.id("po"), PublisherID: pub, Available: available, EffectiveAt: f.at(),
		Amount: buycard.Money{Amount: f.amountUpTo(available+step, step), Currency: cur}}
	if p.Amount.Amount > available {
		f.wantRefused(ledger.PublisherPayout(p))
		return
	}
	f.mustPost(ledger.PublisherPayout(p))
}

func (f *fuzzLedger) reversal() {
	pub, cur := f.publisherAccount()
	step := buycard.MinorUnitStep(cur)
	paid := f.balance(ledger.Account(ledger.Publisher(pub), ledger.Paid, cur))
	r := ledger.TransferReversal{ReversalID: f.id("trr"), PublisherID: pub, EffectiveAt: f.at(),
		Amount: buycard.Money{Amount: f.amountUpTo(paid+step, step), Currency: cur}}
	if r.Amount.Amount > paid {
		f.wantRefused(ledger.PublisherReversal(r))
		return
	}
	f.mustPost(ledger.PublisherReversal(r))
}

// replay posts an earlier journal again: nothing may change.
func (f *fuzzLedger) replay() {
	links := f.m.Journals()
	if len(links) == 0 {
		return
	}
	j := links[f.in.pick(len(links))].Journal
	before := f.snapshot()
	res, err := f.post(j)
	if err != nil || !res.Existed {
		f.t.Fatalf("replay of %s = %+v, %v; want Existed", j.Key, res, err)
	}
	f.unchanged(before)
}

// conflict posts an earlier key with other content: ECONFLICT, no change.
func (f *fuzzLedger) conflict() {
	links := f.m.Journals()
	if len(links) == 0 {
		return
	}
	j := links[f.in.pick(len(links))].Journal
	j.EffectiveAt = j.EffectiveAt.Add(time.Microsecond)
	f.wantRefused(j, nil)
}

func (f *fuzzLedger) feeOrSettlement() {
	cur := fuzzCurrencies[f.in.pick(len(fuzzCurrencies))]
	amount := buycard.Money{Amount: (f.in.uint16() + 1) * buycard.MinorUnitStep(cur), Currency: cur}
	if f.in.byte()%2 == 0 {
		f.mustPost(ledger.ProcessorFee(ledger.Fee{FeeID: f.id("fee"), Provider: "sandbox", Amount: amount, EffectiveAt: f.at()}))
		return
	}
	f.mustPost(ledger.MerchantSettlement(ledger.Settlement{SettlementID: f.id("st"), Provider: "sandbox",
		MerchantID: fuzzMerchants[f.in.pick(len(fuzzMerchants))], Amount: amount, EffectiveAt: f.at()}))
}

func (f *fuzzLedger) publisherAccount() (id, currency string) {
	return fuzzPublishers[1+f.in.pick(len(fuzzPublishers)-1)], fuzzCurrencies[f.in.pick(len(fuzzCurrencies))]
}

func (f *fuzzLedger) balance(a ledger.AccountID) int64 {
	b, err := f.m.Balance(context.Background(), a)
	if err != nil {
		f.t.Fatal(err)
	}
	return b.Amount
}

// reverse records that amount of o was refunded or lost, and checks what
// each party still holds stays within [0, original].
func (f *fuzzLedger) reverse(o *fuzzOrder, amount int64) {
	f.t.Helper()
	o.reversed += amount
	rest, err := o.commission.Remaining(o.reversed)
	if err != nil {
		f.t.Fatal(err)
	}
	orig := o.commission
	if rest.Platform < 0 || rest.Platform > orig.Platform || rest.Publisher < 0 || rest.Publisher > orig.Publisher ||
		rest.Merchant < 0 || rest.Merchant > orig.Merchant || rest.Shipping < 0 || rest.Shipping > orig.Shipping ||
		rest.Tax < 0 || rest.Tax > orig.Tax {
		f.t.Fatalf("operation %d: %s remaining %+v outside [0, %+v]", f.n, o.sale.OrderID, rest, orig)
	}
	o.rest = rest
}

func (f *fuzzLedger) mustPost(j ledger.Journal, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("operation %d: %v", f.n, err)
	}
	res, err := f.post(j)
	if err != nil || res.Existed {
		f.t.Fatalf("operation %d: Post(%s) = %+v, %v", f.n, j.Key, res, err)
	}
}

// wantRefused fails unless building or posting j fails and nothing changes.
func (f *fuzzLedger) wantRefused(j ledger.Journal, err error) {
	f.t.Helper()
	if err != nil {
		return
	}
	before := f.snapshot()
	if _, err := f.post(j); err == nil {
		f.t.Fatalf("operation %d: Post(%s) succeeded, want it refused", f.n, j.Key)
	}
	f.unchanged(before)
}

// fuzzSnapshot is enough to tell whether a Memory changed: it only
// appends, so the number of journals and the last chain hash cover them.
type fuzzSnapshot struct {
	balances []ledger.Balance
	journals int
	lastHash string
}

func (f *fuzzLedger) snapshot() fuzzSnapshot {
	s := fuzzSnapshot{balances: f.m.AllBalances()}
	if links := f.m.Journals(); len(links) > 0 {
		s.journals, s.lastHash = len(links), links[len(links)-1].Hash
	}
	return s
}

func (f *fuzzLedger) unchanged(before fuzzSnapshot) {
	f.t.Helper()
	if after := f.snapshot(); !slices.Equal(before.balances, after.balances) ||
		before.journals != after.journals || before.lastHash != after.lastHash {
		f.t.Fatalf("operation %d changed the ledger though it was refused or a replay", f.n)
	}
}

// check verifies the invariants after every operation.
func (f *fuzzLedger) check() {
	f.t.Helper()
	balances := f.m.AllBalances()
	sums := map[string]int64{}
	for _, b := range balances {
		sums[b.Account.Currency] += int64(b.Account.Normal()) * b.Amount
		if b.Amount < 0 && !b.Account.MayGoNegative() {
			f.t.Fatalf("operation %d: %s is negative: %d", f.n, b.Account, b.Amount)
		}
	}
	for cur, sum := range sums {
		if sum != 0 {
			f.t.Fatalf("operation %d: %s balances sum to %d", f.n, cur, sum)
		}
	}
	f.checkModel(balances)
}

// checkJournals verifies the chain and that the balances are exactly what
// the journals add up to.
func (f *fuzzLedger) checkJournals() {
	f.t.Helper()
	links := f.m.Journals()
	if bad := ledger.VerifyChain(links); bad != -1 {
		f.t.Fatalf("chain broken at %d", bad)
	}
	if balances, want := f.m.AllBalances(), replayBalances(links); !slices.Equal(balances, want) {
		f.t.Fatalf("balances %v differ from the journals' %v", balances, want)
	}
}

// checkModel compares pending and disputed balances with the model.
func (f *fuzzLedger) checkModel(balances []ledger.Balance) {
	f.t.Helper()
	want := map[ledger.AccountID]int64{}
	for _, o := range f.orders {
		cur := o.sale.Total.Currency
		if !o.released && o.sale.PublisherID != "" {
			want[ledger.Account(ledger.Publisher(o.sale.PublisherID), ledger.Pending, cur)] += o.rest.Publisher
		}
		want[ledger.Account(ledger.Provider("sandbox"), ledger.Disputed, cur)] += o.disputed
	}
	got := map[ledger.AccountID]int64{}
	for _, b := range balances {
		if b.Account.Kind == ledger.Pending || b.Account.Kind == ledger.Disputed {
			got[b.Account] = b.Amount
		}
	}
	for a, amount := range want {
		if got[a] != amount {
			f.t.Fatalf("operation %d: %s = %d, model says %d", f.n, a, got[a], amount)
		}
	}
}

// replayBalances recomputes every balance from the journals alone.
func replayBalances(links []ledger.Link) []ledger.Balance {
	sums := map[ledger.AccountID]int64{}
	for _, l := range links {
		for _, p := range l.Journal.Postings {
			sums[p.Account] += p.NormalAmount()
		}
	}
	var out []ledger.Balance
	for a, amount := range sums {
		out = append(out, ledger.Balance{Account: a, Amount: amount})
	}
	slices.SortFunc(out, func(x, y ledger.Balance) int {
		if x.Account.String() < y.Account.String() {
			return -1
		}
		return 1
	})
	return out
}

// FuzzOperations runs random sequences of sales, refunds, disputes,
// releases, payouts, reversals, replays and conflicting posts against
// Memory and checks its invariants after each operation.
func FuzzOperations(f *testing.F) {
	f.Add([]byte{})
	// sale, refund, release, payout, dispute opened and lost, replay, conflict.
	f.Add([]byte{0, 0, 3, 0, 0, 200, 0, 1, 1, 0, 0x07, 0xcf, 1, 0, 0, 50, 4, 0, 5, 0, 0, 0, 1,
		2, 0, 3, 0, 1, 7, 0, 8, 0, 10, 0, 0, 6, 0, 0, 0})
	// KWD sales and full refunds.
	f.Add([]byte{0, 2, 0, 100, 0, 50, 2, 1, 1, 0, 0x30, 0x39, 1, 0, 0xff, 0xff, 1, 0, 0, 0, 1, 0, 0, 0})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 24 {
		seed := make([]byte, 250)
		for i := range seed {
			seed[i] = byte(rng.UintN(256))
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		fl := &fuzzLedger{t: t, m: ledger.NewMemory(), in: &bytesReader{input}}
		for len(fl.in.b) > 0 && fl.n < 150 {
			fl.run()
		}
		fl.checkJournals()
		fl.checkBatched()
	})
}

// checkBatched posts the run's journals again to a new Memory, in groups
// of random sizes as a database store's Group commits them (PostAll),
// and fails unless every journal's outcome, the chain and the balances
// are what posting them one at a time gave.
func (f *fuzzLedger) checkBatched() {
	m := ledger.NewMemory()
	rng := rand.New(rand.NewPCG(uint64(len(f.posted)), uint64(f.n)))
	for rest := f.posted; len(rest) > 0; {
		group := rest[:1+rng.IntN(min(len(rest), 12))]
		rest = rest[len(group):]
		journals := make([]ledger.Journal, len(group))
		for i, p := range group {
			journals[i] = p.journal
		}
		outcomes, err := m.PostAll(context.Background(), journals)
		if err != nil {
			f.t.Fatal(err)
		}
		for i, p := range group {
			got, want := outcomes[i], p.outcome
			if got.Result != want.Result || buycard.ErrorCode(got.Err) != buycard.ErrorCode(want.Err) || (got.Err == nil) != (want.Err == nil) {
				f.t.Fatalf("batched %s = %+v, one at a time %+v", p.journal.Key, got, want)
			}
		}
	}
	if got, want := m.Journals(), f.m.Journals(); !slices.EqualFunc(got, want, func(a, b ledger.Link) bool { return a.Hash == b.Hash }) || len(got) != len(want) {
		f.t.Fatalf("batched chain has %d journals, one at a time %d, or their hashes differ", len(got), len(want))
	}
	if got, want := m.AllBalances(), f.m.AllBalances(); !slices.Equal(got, want) {
		f.t.Fatalf("batched balances %v, one at a time %v", got, want)
	}
}

// FuzzSplit checks that parts sum to the total, are multiples of the step,
// are the floor of their quota or one step more, and do not depend on the
// order in which shares are listed.
func FuzzSplit(f *testing.F) {
	f.Add(uint64(15), uint8(1), []byte{20, 2, 3})
	f.Add(uint64(5), uint8(1), []byte{70, 30})
	f.Add(uint64(12350), uint8(10), []byte{35, 15, 0xff, 0})
	f.Add(uint64(1<<63-1), uint8(7), []byte{1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, total uint64, step uint8, weights []byte) {
		st := int64(step%20) + 1
		tot := int64(total>>1) / st * st
		shares := fuzzShares(weights)
		parts, err := ledger.Split(tot, shares, st)
		if err != nil {
			wantErr(t, err, buycard.EINVALID, "")
			return
		}
		checkSplit(t, tot, shares, st, parts)
		reversed := slices.Clone(shares)
		slices.Reverse(reversed)
		again, err := ledger.Split(tot, reversed, st)
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(again)
		if !slices.Equal(parts, again) {
			t.Fatalf("listing order changed the split: %v vs %v", parts, again)
		}
	})
}

// fuzzShares reads up to 8 weights from b, two bytes each.
func fuzzShares(b []byte) []ledger.Share {
	var shares []ledger.Share
	for i := 0; i+1 < len(b) && len(shares) < 8; i += 2 {
		shares = append(shares, ledger.Share{Party: fmt.Sprintf("p%d", len(shares)), Weight: int64(b[i])<<8 | int64(b[i+1])})
	}
	if len(b)%2 == 1 && len(shares) < 8 {
		shares = append(shares, ledger.Share{Party: "odd", Weight: int64(b[len(b)-1])})
	}
	return shares
}

func checkSplit(t *testing.T, total int64, shares []ledger.Share, step int64, parts []int64) {
	t.Helper()
	var weightSum, sum big.Int
	for _, s := range shares {
		weightSum.Add(&weightSum, big.NewInt(s.Weight))
	}
	units := big.NewInt(total / step)
	for i, p := range parts {
		sum.Add(&sum, big.NewInt(p))
		if p%step != 0 {
			t.Fatalf("part %d = %d is not a multiple of %d", i, p, step)
		}
		var floor big.Int
		floor.Mul(units, big.NewInt(shares[i].Weight)).Quo(&floor, &weightSum)
		if got := p / step; got != floor.Int64() && got != floor.Int64()+1 {
			t.Fatalf("part %d = %d steps, quota floor %s", i, got, &floor)
		}
	}
	if sum.Cmp(big.NewInt(total)) != 0 {
		t.Fatalf("parts %v sum to %s, want %d", parts, &sum, total)
	}
}

// FuzzClawback refunds an original split in random pieces and checks each
// clawback sums to its refund, what remains stays within [0, original], and
// the clawbacks of a full refund sum to the original parts.
func FuzzClawback(f *testing.F) {
	f.Add([]byte{0, 88, 0, 37, 3, 107}, uint8(1), []byte{1, 77, 1, 77})
	f.Add([]byte{1, 1, 1, 1, 1, 1}, uint8(10), []byte{0, 1})
	f.Fuzz(func(t *testing.T, weights []byte, step uint8, refunds []byte) {
		st := int64(step%20) + 1
		original := fuzzShares(weights)
		var total int64
		for i := range original {
			original[i].Weight *= st
			total += original[i].Weight
		}
		if total == 0 {
			return
		}
		clawed := make([]int64, len(original))
		var before int64
		in := &bytesReader{refunds}
		for before < total {
			now := (in.uint16()%((total-before)/st) + 1) * st
			if len(in.b) == 0 {
				now = total - before
			}
			back, err := ledger.Clawback(original, before, now, st)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for i, b := range back {
				sum += b
				clawed[i] += b
				if b%st != 0 || clawed[i] < 0 || clawed[i] > original[i].Weight {
					t.Fatalf("party %d clawed back %d of %d (step %d)", i, clawed[i], original[i].Weight, st)
				}
			}
			if sum != now {
				t.Fatalf("clawbacks %v sum to %d, want %d", back, sum, now)
			}
			before += now
		}
		for i, s := range original {
			if clawed[i] != s.Weight {
				t.Fatalf("party %d clawed back %d in all, want %d", i, clawed[i], s.Weight)
			}
		}
	})
}
