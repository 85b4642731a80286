// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/d1lint/d1lint/internal/model"
)

// kustomizeMu guards kustomize's one piece of global state, the OpenAPI
// schema. fluxcd/pkg/kustomize's Build serialises every build behind one
// lock because of concurrent map writes during schema initialisation
// (kubernetes-sigs/kustomize#3659); kyaml now guards its schema globals
// with its own lock, so builds that leave the schema alone run side by side
// (read lock, once the schema is initialised) and only a build that sets
// its own `openapi` schema runs alone. The race detector runs over the
// corpus renders in CI to keep this honest.
var kustomizeMu sync.RWMutex

// kustomizeBuild runs kustomize with exactly the options of
// fluxcd/pkg/kustomize's Build, as kustomize-controller does: load
// restrictions off (the file system itself confines the build to the
// source root) and plugins disabled except the built-in ones.
//
// One difference, for speed only: fluxcd's Build re-parses kustomize's
// built-in OpenAPI schema before every build (tens of milliseconds) so that
// a kustomization's `openapi.path` schema cannot leak into the next build.
// d1lint resets the global schema only around builds that set one
// (customSchema), which gives the same isolation.
func kustomizeBuild(fs filesys.FileSystem, dir string, customSchema bool) (res resmap.ResMap, err error) {
	if customSchema {
		kustomizeMu.Lock()
		defer kustomizeMu.Unlock()
	} else {
		warmSchema()
		kustomizeMu.RLock()
		defer kustomizeMu.RUnlock()
	}
	// kustomize panics on some invalid input; a panic is a build error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered from kustomize build panic: %v", r)
		}
	}()
	if customSchema {
		openapi.ResetOpenAPI()
		_ = openapi.Schema()
		defer openapi.ResetOpenAPI()
	}
	k := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: kustypes.LoadRestrictionsNone,
		PluginConfig:     kustypes.DisabledPluginConfig(),
	})
	return k.Run(fs, dir)
}

var warmOnce sync.Once

// warmSchema parses kustomize's built-in OpenAPI schema (about 70 ms) in
// the background while sources are read from git; builds wait for it. It
// takes the write lock before returning, so no build can start first.
func warmSchema() {
	warmOnce.Do(func() {
		kustomizeMu.Lock()
		go func() {
			defer kustomizeMu.Unlock()
			_ = openapi.Schema()
			_ = openapi.IsCertainlyClusterScoped(yaml.TypeMeta{APIVersion: "v1", Kind: "Namespace"})
		}()
	})
}

// namespaced reports whether objects of the kind live in a namespace, when
// that is known: from kustomize's built-in OpenAPI schema for Kubernetes'
// kinds, and for Flux and Flux Operator kinds (all namespaced).
func namespaced(apiVersion, kind string) (scoped, known bool) {
	group, _ := model.SplitAPIVersion(apiVersion)
	if strings.HasSuffix(group, ".toolkit.fluxcd.io") || group == "fluxcd.controlplane.io" {
		return true, true
	}
	kustomizeMu.RLock()
	defer kustomizeMu.RUnlock()
	return openapi.IsNamespaceScoped(yaml.TypeMeta{APIVersion: apiVersion, Kind: kind})
}
