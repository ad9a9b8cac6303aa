// Package migrationpb contains the protobuf types of Google Authenticator
// exports, generated from ../migration.proto by protoc-gen-go. Package
// migration is the API to use; this package only maps the wire format.
package migrationpb
