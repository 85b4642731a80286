// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/d1lint/d1lint/internal/engine"
	"github.com/d1lint/d1lint/internal/model"
)

// Annotations `build --provenance` adds to every object.
const (
	AnnotationOrigin    = "d1lint.io/origin"
	AnnotationAppliedBy = "d1lint.io/applied-by"
)

type buildFlags struct {
	fleetFlags
	format     string
	provenance bool
	// kustomization narrows the output to what one Flux Kustomization
	// applies ("name" in flux-system, or "namespace/name").
	kustomization string
}

func newBuildCommand(s Streams) *cobra.Command {
	f := &buildFlags{}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Print the full desired state of clusters, objects in apply order",
		Long: `Renders the selected clusters and prints every object Flux would apply, in
apply order; an object that Flux's apply skips (reconcile: disabled, or
ssa: Ignore) follows a comment saying so. --format json prints the cluster
model that rules read (see docs/model.md). Problems go to standard error;
the exit status is 1 when part of a render could not be built.

--kustomization prints only what one Flux Kustomization applies itself, as
flux build ks does: NAME (in flux-system) or NAMESPACE/NAME. The
Kustomizations, HelmReleases and ResourceSets it applies are printed, not
what they apply, install or generate; with --format json the model is
narrowed the same way. Clusters without that Kustomization are left out.`,
		Example: `  d1lint build --cluster prod-eu
  d1lint build --cluster staging --provenance
  d1lint build --cluster staging --kustomization apps
  d1lint build --cluster staging --kustomization apps/podinfo --provenance
  d1lint build --format json > model.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if formats := []string{"yaml", "json"}; !slices.Contains(formats, f.format) {
				return usagef("--format %q: %s", f.format, want(f.format, formats))
			}
			if f.kustomization != "" {
				// Before anything is rendered: a malformed reference is
				// a usage error of its own.
				if _, err := engine.KustomizationKey(f.kustomization); err != nil {
					return err
				}
			}
			fl, err := f.build(cmd.Context(), s.Getenv)
			if err != nil {
				return err
			}
			if f.kustomization != "" {
				var missing []string
				if fl, missing, err = engine.SelectKustomization(fl, f.kustomization); err != nil {
					return err
				}
				for _, c := range missing {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: cluster %s has no Kustomization %s; left out\n", c, f.kustomization)
				}
			}
			if f.format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(fl); err != nil {
					return err
				}
			} else if err := writeYAML(cmd.OutOrStdout(), fl, f.provenance); err != nil {
				return err
			}
			return reportProblems(cmd.ErrOrStderr(), fl)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.format, "format", "yaml", "output format: yaml (the objects) or json (the cluster model)")
	cmd.Flags().StringVar(&f.kustomization, "kustomization", "", "print only what this Flux Kustomization applies itself, like flux build ks: NAME (namespace flux-system) or NAMESPACE/NAME")
	cmd.Flags().BoolVar(&f.provenance, "provenance", false, "annotate each object with the file and line that define it and the Kustomizations that apply it")
	return cmd
}

// writeYAML prints the objects of every cluster as a YAML stream.
func writeYAML(w io.Writer, fl *model.Fleet, provenance bool) error {
	for _, c := range fl.Clusters {
		if len(fl.Clusters) > 1 {
			if _, err := fmt.Fprintf(w, "# cluster: %s\n", c.Name); err != nil {
				return err
			}
		}
		for _, o := range c.Objects {
			obj := o.Object
			if provenance {
				obj = withProvenance(o)
			}
			b, err := yaml.Marshal(obj)
			if err != nil {
				return fmt.Errorf("%s %s/%s: %w", o.Kind, o.Namespace, o.Name, err)
			}
			// An object Flux never applies is printed as the build
			// produced it (flux build ks prints it too), marked by a comment
			// rather than an annotation, so that the object stays as is.
			mark := ""
			if o.NotApplied != "" {
				mark = "# d1lint: not applied by Flux (" + o.NotApplied + ")\n"
			} else if o.Remote != "" {
				mark = "# d1lint: applied to a remote cluster (spec.kubeConfig: " + o.Remote + ")\n"
			}
			if _, err := fmt.Fprintf(w, "---\n%s%s", mark, b); err != nil {
				return err
			}
		}
	}
	return nil
}

func withProvenance(o *model.Object) map[string]any {
	obj := maps.Clone(o.Object)
	md := map[string]any{}
	if m, ok := o.Object["metadata"].(map[string]any); ok && m != nil {
		md = maps.Clone(m)
	}
	anns := map[string]any{}
	if a, ok := md["annotations"].(map[string]any); ok && a != nil {
		anns = maps.Clone(a)
	}
	anns[AnnotationOrigin] = o.Location.String()
	anns[AnnotationAppliedBy] = strings.Join(o.Chain, " > ")
	md["annotations"] = anns
	obj["metadata"] = md
	return obj
}
