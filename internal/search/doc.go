// Package search is the full-text index over chunks.
package search
