// Package vrs holds the language of the Voluntary Reporting System: domain
// types, their validation rules, typed errors and the service interfaces that
// the adapter packages (store, web, api, ...) implement or consume.
//
// Nothing in this package knows about SQL or HTTP.
package vrs
