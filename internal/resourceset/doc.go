// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Package resourceset expands a Flux Operator ResourceSet
// (fluxcd.controlplane.io/v1) offline into the objects Flux Operator would
// generate from it, following the Flux Operator documentation (ResourceSet
// CRD, docs/api/v1/resourceset.md, and ResourceSetInputProvider CRD,
// docs/api/v1/resourcesetinputprovider.md, as of Flux Operator v0.59).
// Behaviour the docs leave open follows what the operator does.
//
// Inputs. The input sets come from spec.inputs and from the
// ResourceSetInputProviders spec.inputsFrom selects in the ResourceSet's
// namespace, by name or by label selector, each provider once. The
// ResourceSet's own inputs come first, then the providers sorted by name
// (not in inputsFrom order). Every input set gets inputs.provider
// (apiVersion, kind, name, namespace of its source). A Static provider
// exports its spec.defaultValues plus an id, the Adler-32 checksum of its
// UID on a cluster; offline, as `flux-operator build resourceset` does, of
// its name. Other provider types query external services: their inputs
// must be given (Options.ProviderInputs), else Expand returns a
// NotRenderedError. With inputStrategy Flatten (the default) the input sets
// are concatenated; with Permute they are the Cartesian product of the
// sources (at most 10,000), each source's set nested under its normalized
// name (inputs.<name>.<key>), with an id derived from the permutation.
// Inline inputs get no id of their own under Flatten (the docs say every
// set has one; the operator adds none).
//
// Templates. Each spec.resources entry is serialised to YAML (keys sorted)
// and rendered once per input set with Go text/template, delimiters << >>,
// the hermetic slim-sprig functions plus slugify, toYaml, mustToYaml and
// inputs, and missingkey=error; it yields one object. spec.resourcesTemplate
// is rendered as a whole per input set and split into documents; empty
// documents and documents that are not Kubernetes objects are dropped.
// Without input sets every template renders once with empty inputs; with
// inputsFrom set and no input set, nothing is generated.
//
// Objects. An object annotated fluxcd.controlplane.io/reconcile: disabled is
// skipped (Result.Excluded); of objects with the same group, kind,
// namespace and name the first is kept (Result.Duplicates), spec.resources
// before resourcesTemplate. Every object gets the owner labels
// resourceset.fluxcd.controlplane.io/name and /namespace, then
// spec.commonMetadata. A generated object without metadata.namespace keeps
// none: the operator does not default it (the API server rejects a
// namespaced one), so the caller, which knows the kinds' scopes, decides.
// spec.steps are expanded step by step (Object.Step).
//
// Limits. Expand never panics on hostile input; it refuses more than
// MaxInputSets input sets and more than MaxOutputBytes of generated YAML,
// and bounds the slim-sprig functions that allocate from their arguments
// alone (repeat, indent, nindent, until, untilStep, seq).
package resourceset
