package naming

import (
	"strings"
	"testing"
)

func TestAppNames(t *testing.T) {
	got := map[Kind]string{}
	for _, n := range AppNames("shop", "api", "order-svc") {
		got[n.Kind] += n.Value + " "
	}
	want := map[Kind]string{
		TargetGroup:   "shop-order-svc ",
		DBInstance:    "shop-order-svc ",
		IAMRole:       "shop-order-svc-task ",
		ECRRepository: "shop/api/order-svc ",
		LogGroup:      "/shop/order-svc ",
		ContainerName: "shop-order-svc-rrrrrrrr ",
		DatabaseName:  "order_svc_app order_svc ",
		SecretName:    "shop/order-svc/db-app-role ",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
}

func TestTooLong(t *testing.T) {
	n := AppTargetGroup("shopfront", "product-recommendations")
	if !n.TooLong() {
		t.Fatalf("%q (%d chars) should exceed 32", n.Value, len(n.Value))
	}
	if d := n.Describe(); !strings.Contains(d, "(33 chars)") || !strings.Contains(d, "limit of 32") {
		t.Errorf("Describe = %q", d)
	}
	if AppTargetGroup("shop", "orders").TooLong() {
		t.Error("a short name was reported too long")
	}
}
