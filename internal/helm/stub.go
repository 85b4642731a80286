// Package helm is a placeholder (replaced by the real implementation).
package helm

import (
	"context"
	"errors"
)

type File struct {
	Name string
	Data []byte
}
type Chart struct {
	Name, Version string
	Files         []File
	Digest        string
}

func LoadArchive(data []byte) (*Chart, error)  { return nil, errors.New("stub") }
func LoadFiles(files []File) (*Chart, error)    { return nil, errors.New("stub") }
func (c *Chart) UsesAPIVersions() bool          { return false }

type Request struct {
	Major                     int
	Chart                     *Chart
	Values                    map[string]any
	ReleaseName, Namespace    string
	KubeVersion               string
	APIVersions               []string
	CRDs                      string
	DisableHooks              bool
	PostRenderers             []map[string]any
	CommonMetadata            map[string]any
	OwnerName, OwnerNamespace string
}
type Object struct {
	Object   map[string]any
	Template string
	CRD      bool
	Hook     string
}
type Result struct{ Objects []Object }
type Violation struct {
	Path    []string
	Message string
}
type ValuesError struct{ Violations []Violation }

func (e *ValuesError) Error() string { return "values" }

type DependencyError struct{ Missing []string }

func (e *DependencyError) Error() string { return "deps" }

func Render(ctx context.Context, req Request) (*Result, error) { return nil, errors.New("stub") }
