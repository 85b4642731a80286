// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package render

import (
	"fmt"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomizeMu serialises kustomize runs: kustomize keeps global state
// (the OpenAPI schema) and has concurrent map bugs
// (kubernetes-sigs/kustomize#3659), which is why fluxcd/pkg/kustomize's
// Build holds a process-wide lock too.
var kustomizeMu sync.Mutex

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
	kustomizeMu.Lock()
	defer kustomizeMu.Unlock()
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
// the background while sources are read from git, instead of inside the
// first build.
func warmSchema() {
	warmOnce.Do(func() {
		go func() {
			kustomizeMu.Lock()
			defer kustomizeMu.Unlock()
			_ = openapi.Schema()
			_ = openapi.IsCertainlyClusterScoped(yaml.TypeMeta{APIVersion: "v1", Kind: "Namespace"})
		}()
	})
}
