// Package faulttest holds Buycard's fault scenarios: what becomes of
// orders and money when nodes race each other, when a node dies in the
// middle of a payment, and when the database goes away. Each scenario
// starts real nodes (server.Main, configured by the environment as the
// binary is) or opens their stores the way a node does, breaks something
// from the outside, and then reads the database directly to check that
// nothing acknowledged was lost, nothing was applied twice, nothing was
// half-written and the ledger verifies.
//
// They live in a package of their own, not in backend/storetest or a
// store package, because each one spans several parts: two nodes over
// one database, a process killed and restarted, a proxy between a node
// and PostgreSQL. storetest says what every store must do; faulttest
// checks that it still holds when things break.
//
//   - TestTwoNodesOnePayment (two_nodes_test.go): Stripe's webhook and the
//     shopper's return from checkout deliver one payment, under two event
//     ids, to two nodes with their own PostgreSQL pools at once.
//   - TestKillDuringFulfilment (kill_test.go): a child process applying
//     payment events (deliveries_test.go) is killed with SIGKILL at random
//     moments, on SQLite and PostgreSQL; the store is then held to a
//     reference model (books_test.go) fed the same events.
//   - TestKillBeforeWebhookDelivery (notify_kill_test.go): a node pays
//     orders while the merchant's webhook endpoint is down and is killed
//     with SIGKILL; a new node delivers every order.paid event once.
//   - TestDatabaseFaults (dbfault_test.go): shoppers buy through a node
//     whose connection to PostgreSQL runs through a proxy
//     (proxy_test.go) that slows down, resets connections and goes down.
//   - TestCluster (cluster_test.go): three `buycard serve` processes
//     (cluster_node_test.go) behind Caddy, as `make cluster` runs them
//     (package cluster), on PostgreSQL and Redis:
//     purchases spread over the nodes and paid once with the webhook and
//     the return at different nodes, upkeep on every node at once, limits
//     and beacon bounds shared, a price change seen everywhere in time.
//   - TestClusterChaos (chaos_test.go): shoppers buy through Caddy while
//     a node is SIGKILLed and started again, and a PostgreSQL and a Redis
//     of the test's own (services_test.go) are stopped and started again.
//
// The PostgreSQL scenarios need BUYCARD_TEST_POSTGRES_URL (package
// pgtest), TestCluster BUYCARD_TEST_REDIS_URL too, and the cluster
// scenarios Caddy (installed from its Go module on first use): they skip
// without them, except in CI. They take seconds, the kill and cluster
// tests tens of seconds; go test -short skips them all.
package faulttest
