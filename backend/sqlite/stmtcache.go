package sqlite

import (
	"context"
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// Statement cache. modernc.org/sqlite parses every statement database/sql
// runs without a *sql.Stmt, and parsing costs more than running: it was
// 46% of a checkout's CPU, the hold triggers compiled into each write on
// orders included. Each connection therefore keeps the statements it has
// prepared, by their SQL, and runs them again. The store's statements are
// constants, so the cache stays small; it is bounded all the same, for
// some queries are built for a number of ids.

// maxCachedStatements bounds one connection's cache; statements past it
// are prepared each time, as without the cache.
const maxCachedStatements = 256

// cachingConnector opens modernc connections that keep their statements.
type cachingConnector struct{ driver.Connector }

// newCachingConnector returns the connector for dsn (see sqlite.NewConnector).
func newCachingConnector(dsn string) (driver.Connector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return cachingConnector{c}, nil
}

// Connect implements driver.Connector.
func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{sqliteConn: conn.(sqliteConn), stmts: map[string]*cachedStmt{}}, nil
}

// sqliteConn is what a modernc connection offers database/sql; cachingConn
// passes it all on but for ExecContext, QueryContext and Close.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is a connection with its statement cache. database/sql uses
// a connection from one goroutine at a time, so the cache has no lock.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

// cachedStmt is a prepared statement; busy while its rows are open, when
// running it again would reset them.
type cachedStmt struct {
	stmt sqliteStmt
	busy bool
}

// sqliteStmt is what a modernc prepared statement offers.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cached returns query's statement, preparing it the first time; nil when
// it cannot be reused now (busy, a script of several statements, a full
// cache, a failed prepare, which the uncached run then reports).
func (c *cachingConn) cached(ctx context.Context, query string) *cachedStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if len(c.stmts) >= maxCachedStatements || strings.Contains(query, ";") {
		return nil
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	s := &cachedStmt{stmt: st.(sqliteStmt)}
	c.stmts[query] = s
	return s
}

// ExecContext implements driver.ExecerContext.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.cached(ctx, query); s != nil {
		return s.stmt.ExecContext(ctx, args)
	}
	return c.sqliteConn.ExecContext(ctx, query, args)
}

// QueryContext implements driver.QueryerContext.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.cached(ctx, query)
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{sqliteRows: rows.(sqliteRows), stmt: s}, nil
}

// Close implements driver.Conn: the statements, then the connection.
func (c *cachingConn) Close() error {
	for _, s := range c.stmts {
		s.stmt.Close()
	}
	clear(c.stmts)
	return c.sqliteConn.Close()
}

// sqliteRows is what modernc's rows offer database/sql.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachedRows are a cached statement's rows: closing them frees it.
type cachedRows struct {
	sqliteRows
	stmt *cachedStmt
}

// Close implements driver.Rows.
func (r *cachedRows) Close() error {
	r.stmt.busy = false
	return r.sqliteRows.Close()
}
