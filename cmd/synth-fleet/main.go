// Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0

// Command synth-fleet writes a synthetic d1-style fleet (d1-fleet, d1-infra
// and d1-apps git repositories) into an empty or absent folder and prints the
// three repository paths, one a line.
//
// Usage:
//
//	synth-fleet [-clusters N] [-namespaces M] [-components K] DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/d1lint/d1lint/internal/synth"
)

func main() {
	var opts synth.Options
	flag.IntVar(&opts.Clusters, "clusters", synth.DefaultClusters, "number of clusters (alternately staging and production)")
	flag.IntVar(&opts.AppNamespaces, "namespaces", synth.DefaultAppNamespaces, "number of application namespaces")
	flag.IntVar(&opts.InfraComponents, "components", synth.DefaultInfraComponents, "number of infrastructure components")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [flags] DIR\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := synth.Generate(flag.Arg(0), opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(f.FleetPath)
	fmt.Println(f.InfraPath)
	fmt.Println(f.AppsPath)
}
