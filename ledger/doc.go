// Package ledger is Buycard's double-entry commission ledger: accounts,
// journals, postings, the largest-remainder money splits and the rules that
// turn money events (sale, processor fee, refund, dispute, release, payout,
// settlement) into balanced journals. It does no I/O; the database stores
// implement Store, and Memory is the reference model their tests and the
// fuzz tests compare against.
//
// # Accounts
//
// An account belongs to one party (a merchant, a publisher, the platform or
// a payment provider), has a kind and holds one currency; its string form is
// "party:id:kind:currency", for example "publisher:pub_x:available:USD".
// Currencies never mix: there is no FX, so every journal has one currency.
//
//	kind            party      normal  may go negative
//	payable         merchant   credit  yes: a debit balance is what the merchant owes (the receivable)
//	pending         publisher  credit  no:  shares inside the hold window
//	available       publisher  credit  yes: refunds after release leave a debt recouped from later shares
//	paid            publisher  credit  no:  transferred to the publisher; only a transfer reversal reduces it
//	revenue         platform   credit  yes: refunds and lost disputes can exceed it
//	processor_fees  platform   debit   yes: a provider may return fees
//	clearing        provider   debit   yes: cash at the processor; refunds after settlement overdraw it
//	disputed        provider   debit   no:  withheld by the processor while a dispute is open
//
// Accounts that facts reported by the provider (refunds, disputes, fees) can
// push below zero may go negative, because a ledger must record what
// happened. Accounts moved only by Buycard's own decisions may not, so a bug
// shows up as an ECONFLICT instead of a silent negative balance. There is no
// separate merchant receivable account: a negative payable is the
// receivable, so refund journals do not depend on balances and stay
// deterministic (and idempotent) for a given event.
//
// # Sign convention
//
// A posting's Amount is signed: positive is a debit, negative a credit, and
// the postings of a journal sum to zero. Balances and statements are shown
// on the account's normal side: a publisher's pending balance of 500 means
// the platform owes the publisher 500.
//
// # Splits
//
// Split divides a total in proportion to weights by the largest-remainder
// method, in steps of the currency's minor-unit step (10 for three-decimal
// currencies). Every party first gets the floor of its quota; the steps left
// over go one each to the parties with the larger remainder, then the
// larger weight, then the party name in byte order. The result therefore
// never depends on the order in which parties are listed, and the parts
// always sum to the total.
//
// Refunds and lost disputes are split by cumulative allocation: the
// clawback of a reversal is split(reversed so far) − split(reversed
// before), where split divides in proportion to the original parts. The
// clawbacks of a full reversal sum exactly to the original parts, and what
// each party still holds stays within [0, original part]. Because the
// largest-remainder method is not monotone (the Alabama paradox), one
// party's clawback can in rare cases be negative by one step; the journal
// stays balanced.
//
// A sale's rates divide its commission base, the goods after discount net
// of tax; shipping (net of its tax) and tax are the merchant's and go to
// its payable in postings of their own (memos "shipping" and "tax"), the
// one case where a journal posts to an account more than once. Reversals
// split over all five parts (platform, publisher, merchant net, shipping,
// tax). A sale without shipping or tax has the three-party journal it
// always had.
//
// # Journals
//
// Every money event is one balanced journal with an idempotency key
// ("sale:ord_x", "refund:re_x"), appended and never edited; a correction
// is a new journal. Posting the same key with the same content (equal
// Digest) changes nothing; the same key with other content is ECONFLICT.
// Stores chain journals with ChainHash so that VerifyChain can name the
// first journal that was altered.
//
// # Appending many at once
//
// Appends are serialized, because each chain hash names the journal before
// it: SQLite has one writer, and PostgreSQL appenders lock the head row. A
// transaction per journal therefore caps the ledger at one commit per
// journal (and, on PostgreSQL, a few round trips under the lock). Two
// choices lift that cap without giving up any guarantee:
//
//   - AppendAll appends a batch in one transaction with a fixed number of
//     statements: one read of everything the batch depends on (Tx.State:
//     the digests of its keys, the balances of its accounts and the head)
//     and one write (Tx.Insert). Invariant: the outcome of every journal,
//     the chain and the balances are exactly those of appending the
//     journals one at a time in the batch's order, refusals included
//     (FuzzOperations' checkBatched holds Memory to it for random runs,
//     storetest to it for both stores under 32 concurrent writers).
//   - Group is group commit for Post: journals posted at the same time
//     share one AppendAll. Invariants: Post returns only once its journal
//     committed (or with an error); no journal is appended twice, since a
//     failed group is retried a journal at a time and idempotency keys
//     make the retry of a journal that did commit a no-op; one journal
//     cannot fail another (group_test.go).
//
// Journals appended with an order's change (the sale with the order
// becoming paid) stay in that change's transaction: a paid order always
// has its sale journal.
package ledger
