import Testing
import SwitchboardHTTP

/// multipart/form-data as browsers send it: fields and files, bytes untouched, a quoted
/// file name with a semicolon, and bodies that are not multipart refused with the reason.
@Suite struct MultipartFormTests {
    @Test func fieldsAndFilesAreSplitWithTheirBytesUntouched() throws {
        let file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 13, 10, 45, 45, 0, 255] + Array("\r\n--not the boundary".utf8)
        var body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"template\"\r\n\r\n{\"name\":\"menu\"}\r\n".utf8)
        body += Array("--XyZ\r\nContent-Disposition: form-data; name=\"header_file\"; filename=\"a;b.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file + Array("\r\n--XyZ--\r\n".utf8)
        let form = try MultipartForm(body: body, contentType: "multipart/form-data; boundary=XyZ")
        #expect(form.parts.map(\.name) == ["template", "header_file"])
        #expect(form.first("template")?.text == "{\"name\":\"menu\"}")
        let part = try #require(form.first("header_file"))
        #expect(Array(part.bytes) == file)
        #expect(part.filename == "a;b.png")
        #expect(part.contentType == "image/png")
        #expect(MultipartForm.isMultipart("Multipart/Form-Data; boundary=\"XyZ\""))
        #expect(!MultipartForm.isMultipart("application/json"))
    }

    @Test func aBodyThatIsNotMultipartIsRefusedWithTheReason() {
        #expect(throws: MultipartForm.Failure.self) { try MultipartForm(body: Array("x".utf8), contentType: "multipart/form-data") }
        #expect(throws: MultipartForm.Failure.self) {
            try MultipartForm(body: Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8),
                              contentType: "multipart/form-data; boundary=b")
        }
        #expect(throws: MultipartForm.Failure.self) { try MultipartForm(body: Array("nothing".utf8), contentType: "multipart/form-data; boundary=b") }
    }
}
