package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnsureDatabase creates the PostgreSQL database databaseURL names unless
// it exists, connecting to the server's maintenance database (postgres)
// as the same user.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	u, err := url.Parse(databaseURL)
	name := strings.TrimPrefix(u.Path, "/")
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || name == "" || strings.Contains(name, "/") {
		return errors.New("cluster: the database must be a postgres:// URL naming a database")
	}
	u.Path = "/postgres"
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("cluster: connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "42P04" {
		return nil // created meanwhile
	}
	if err != nil {
		return fmt.Errorf("cluster: create database %s: %w", name, err)
	}
	return nil
}
