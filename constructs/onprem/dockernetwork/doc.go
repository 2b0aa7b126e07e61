// Package dockernetwork builds the on-prem platform network: the user-defined
// Docker bridge network the registry, PostgreSQL and every app container
// join, so they reach each other by container name.
package dockernetwork
