module github.com/buycard/buycard

go 1.26.8
