package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// shopifyPackage is the embed publishers use today: Shopify's Buy Button.
const shopifyPackage = "@shopify/buy-button-js@3.0.6"

// shopifyFiles are the files of the package a publisher's <script> would
// load, best first: the minified browser build, else the plain one.
var shopifyFiles = []string{"package/dist/buybutton.min.js", "package/dist/buybutton.js"}

// shopifyScript packs the npm package into dir (npm pack, nothing
// installed or run) and returns the script file's name and bytes.
func shopifyScript(ctx context.Context, dir string) (name string, data []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "pack", "--silent", "--ignore-scripts", shopifyPackage)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", nil, fmt.Errorf("npm pack %s: %v: %s", shopifyPackage, err, strings.TrimSpace(stderr.String()))
	}
	fields := strings.Fields(string(out))
	if len(fields) == 0 {
		return "", nil, fmt.Errorf("npm pack %s printed no file name", shopifyPackage)
	}
	f, err := os.Open(filepath.Join(dir, fields[len(fields)-1]))
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	return readTarball(f, shopifyFiles...)
}

// readTarball returns the first of names found in the gzipped tar r.
func readTarball(r io.Reader, names ...string) (string, []byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return "", nil, fmt.Errorf("read tarball: %w", err)
	}
	found := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, fmt.Errorf("read tarball: %w", err)
		}
		for _, name := range names {
			if h.Name == name {
				if found[name], err = io.ReadAll(tr); err != nil {
					return "", nil, fmt.Errorf("read tarball: %s: %w", name, err)
				}
			}
		}
	}
	for _, name := range names {
		if data, ok := found[name]; ok {
			return name, data, nil
		}
	}
	return "", nil, fmt.Errorf("read tarball: none of %s", strings.Join(names, ", "))
}
