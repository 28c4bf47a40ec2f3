import Foundation
import Testing

/// The schema checker of the OpenAPI tests finds what it is meant to find.
@Suite struct JSONSchemaSubsetTests {
    let doc: [String: Any] = [
        "components": ["schemas": ["Thing": [
            "type": "object", "required": ["id", "state", "at"], "additionalProperties": false,
            "properties": [
                "id": ["type": "string"],
                "state": ["type": "string", "enum": ["on", "off"]],
                "at": ["type": "string", "format": "date-time"],
                "note": ["type": "string", "nullable": true],
                "count": ["type": "integer", "minimum": 0],
                "tags": ["type": "array", "items": ["type": "string"]],
            ],
        ] as [String: Any]]],
    ]

    func problems(_ json: String) -> [String] {
        let value = try! JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        return JSONSchemaSubset(document: doc).problems(value, ["$ref": "#/components/schemas/Thing"])
    }

    @Test func aValidValuePasses() {
        #expect(problems(#"{"id":"x","state":"on","at":"2026-01-01T00:00:00.000Z","note":null,"count":3,"tags":["a"]}"#) == [])
    }

    @Test func eachKindOfProblemIsReported() {
        #expect(problems(#"{"state":"on","at":"2026-01-01T00:00:00Z"}"#) == ["$: required key 'id' is missing"])
        #expect(problems(#"{"id":"x","state":"dim","at":"2026-01-01T00:00:00Z"}"#) == ["$.state: 'dim' not in enum [\"on\", \"off\"]"])
        #expect(problems(#"{"id":"x","state":"on","at":"yesterday"}"#) == ["$.at: 'yesterday' is not an RFC 3339 date-time"])
        #expect(problems(#"{"id":null,"state":"on","at":"2026-01-01T00:00:00Z"}"#) == ["$.id: null but not nullable"])
        #expect(problems(#"{"id":"x","state":"on","at":"2026-01-01T00:00:00Z","extra":1}"#) == ["$: key 'extra' is not documented"])
        #expect(problems(#"{"id":"x","state":"on","at":"2026-01-01T00:00:00Z","count":"3"}"#).count == 1)
        #expect(problems(#"{"id":"x","state":"on","at":"2026-01-01T00:00:00Z","count":-1}"#).count == 1)
        #expect(problems(#"{"id":"x","state":"on","at":"2026-01-01T00:00:00Z","tags":[1]}"#) == ["$.tags[0]: expected a string, got 1"])
        #expect(problems("[]").first?.hasPrefix("$: expected an object") == true)
    }
}
