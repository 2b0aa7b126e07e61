package clientsite

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// File is one file of a site's build output, as uploaded to S3.
type File struct {
	// Key is the object key: the path relative to the build output.
	Key string
	// Path is the file on disk.
	Path string
	// SHA256 of the content: a changed file is uploaded again, an
	// unchanged one is not.
	SHA256 string
	// ContentType from the extension.
	ContentType string
	// CacheControl: a year for fingerprinted assets, no-cache otherwise.
	CacheControl string
}

var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{8,}\.[A-Za-z0-9]+$`)

// contentTypes covers what mime's system table may lack on a build host.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".map": "application/json",
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".woff": "font/woff", ".woff2": "font/woff2",
	".txt": "text/plain; charset=utf-8", ".xml": "application/xml", ".webmanifest": "application/manifest+json",
}

// ContentType is a file's MIME type by extension.
func ContentType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// CacheControl is the object's caching: fingerprinted names never change
// content, everything else is revalidated.
func CacheControl(name string) string {
	if fingerprinted.MatchString(name) {
		return "public, max-age=31536000, immutable"
	}
	return "no-cache"
}

// Files lists the build output in key order.
func Files(buildOutput string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(buildOutput, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(buildOutput, path)
		sum := sha256.Sum256(data)
		key := filepath.ToSlash(rel)
		files = append(files, File{Key: key, Path: path, SHA256: hex.EncodeToString(sum[:]), ContentType: ContentType(key), CacheControl: CacheControl(key)})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Key < files[j].Key })
	return files, err
}

// ContentHash identifies the whole upload: it triggers the invalidation.
func ContentHash(files []File) string {
	h := sha256.New()
	for _, f := range files {
		h.Write([]byte(f.Key + "\x00" + f.SHA256 + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
